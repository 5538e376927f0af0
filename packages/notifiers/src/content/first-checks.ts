// Where to start on each detector's alert: the "First checks" of the runbook in docs/operations.md
// cut to one line, so that whoever reads the alert knows what to look at without the docs at hand.
// Vigil's own text, never from traffic.

const FIRST_CHECKS: Readonly<Record<string, string>> = {
  'auth-failure-surge':
    'Are the top routes login, token or password-reset routes? One address or many? Did any of these clients also get a 200 there in the window (a guess that worked)?',
  'error-surge':
    'One route or the whole service? Look up the sample requests (5xx) in the gateway and upstream logs; any deploy, config change or dependency incident when it began?',
  'traffic-spike': 'Which client drives it (top clients)? One route (scraping, a flood) or everything (a retry storm)? Mostly 200 or 429 responses in the gateway logs?',
  'traffic-drop':
    "Is the service down, or did its logs stop arriving (the collector's vigil_events_received_total)? Any DNS, load balancer, gateway route or certificate change?",
  'latency-spike': 'Upstream latency or the gateway? One route or all? Does it come with a traffic spike (load) or an error surge?',
  'egress-spike': 'Which client and which routes (exports, downloads, large pages)? Is that client allowed to pull that much? Look up the sample requests.',
  enumeration: 'Which route and which ids (sequential, mostly 404s)? Is this client allowed to read those objects?',
  'slow-ramp': 'Which client or route grows? Organic growth (a customer onboarding) or a bot raising its rate slowly? Read it with any traffic-spike alert just before it.',
  'rate-limit': "Is the client's quota the one configured? Is the gateway enforcing limits itself (429s in its logs)?",
};

/** What to check first for an alert of this detector, or undefined for one without a runbook entry (the test alert). */
export function firstChecks(detector: string): string | undefined {
  return Object.hasOwn(FIRST_CHECKS, detector) ? FIRST_CHECKS[detector] : undefined;
}

/** The detectors that have first checks, for the test that keeps them and the runbook in step. */
export function detectorsWithFirstChecks(): string[] {
  return Object.keys(FIRST_CHECKS);
}

// The traffic simulator, reusable by the scenario suite, `vigil demo` and the benchmarks.

export { simulateTraffic } from './traffic-simulator';
export type { SimulationOptions } from './traffic-simulator';
export { ATTACK_KINDS } from './attacks';
export type { Attack, AttackKind } from './attacks';
export { ROUTES, makeClients } from './fictional-api';
export type { RouteProfile, SimulatedClient } from './fictional-api';

// The topics Vigil owns, under a prefix: the one list both transports create.

import { COMPACTED_TOPICS, TOPICS, topicName } from '@vigil/contract';
import type { TopicRole } from '@vigil/contract';

export interface PlannedTopic {
  role: TopicRole;
  name: string;
  compacted: boolean;
}

export function planTopics(prefix: string): PlannedTopic[] {
  return (Object.keys(TOPICS) as TopicRole[]).map((role) => ({
    role,
    name: topicName(prefix, role),
    compacted: COMPACTED_TOPICS.includes(role),
  }));
}

export { createAedesBroker, DEFAULT_MAX_DELIVERIES, DEFAULT_MAX_MESSAGE_BYTES } from './aedesBroker';
export { loadDocuments } from './documents';
export { decodeBody, encodeBody, isEnvelope } from './envelope';
export { dlqTopic, parseShared, topicMatches } from './topics';
export type * from './types';

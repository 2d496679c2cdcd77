/** JSON shapes of the broker's admin API (`/admin/...`), shared by the server and its client. */

export interface DeadLetterInfo {
  id: string;
  topic: string;
  reason: string;
  time: number;
  recordId: string;
  size: number;
  /** The body as UTF-8 text (envelope included), for inspection. */
  body: string;
}

export interface ChannelStatsInfo {
  /** The channel's address template, or the bare topic of events that matched no channel. */
  channel: string;
  declared: boolean;
  messages: number;
  invalid: number;
  /** Clients the broker delivered this channel's events to. */
  consumers: string[];
  lastTime?: number;
}

export interface BrokerStatsInfo {
  clients: string[];
  channels: ChannelStatsInfo[];
  deadLetters: number;
}

export interface PublishSummary {
  id: string;
  topic?: string;
  channel?: string;
  message?: string;
  valid: boolean;
  disposition: string;
  delivered: boolean;
  replayOf?: string;
}

/** Replays records still in the broker's memory: by record ID, or every event of one correlation chain. */
export interface ReplayRequest {
  ids?: string[];
  correlation?: string;
  /** Publishes to this topic instead of each record's own. */
  topic?: string;
}

export interface ReplayResult {
  replayed: PublishSummary[];
  /** Requested IDs the broker no longer (or never) had in memory. */
  missing: string[];
}

/** Environment variable that carries the admin token from the extension to the broker process. */
export const ADMIN_TOKEN_ENV = 'EVENTSCOPE_ADMIN_TOKEN';

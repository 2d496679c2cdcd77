/** MQTT topic-filter matching (`+` one level, `#` the rest), as MQTT 3.1.1 §4.7 defines it. */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  // Wildcards never match topics that start with `$` ([MQTT-4.7.2-1]).
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** `$share/<group>/<filter>`: a shared subscription, as MQTT 5 and mosquitto (for 3.1.1 clients too) offer it. */
export function parseShared(topic: string): { group: string; filter: string } | undefined {
  if (!topic.startsWith('$share/')) return undefined;
  const rest = topic.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  const group = rest.slice(0, slash);
  if (/[+#]/.test(group)) return undefined;
  return { group, filter: rest.slice(slash + 1) };
}

export const DLQ_PREFIX = '$dlq/';
export const dlqTopic = (topic: string): string => `${DLQ_PREFIX}${topic}`;

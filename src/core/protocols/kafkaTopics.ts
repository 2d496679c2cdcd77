/**
 * Kafka allows only [A-Za-z0-9._-] in a topic name, so a channel address maps to its topic character by
 * character: "/" becomes "." and any other character outside that set "_" (shop/orders/{orderId}/placed is
 * the topic shop.orders.{orderId}.placed), parameters kept in place. The generated Kafka adapter
 * (codegen/adapterSources.ts, which must stand alone) applies the same mapping; a test holds the two equal.
 */
const PARAMETER = /(\{[^}]+\})/;
/** Every parameter of an address or topic, for replacing them all. */
const PARAMETERS = new RegExp(PARAMETER.source, 'g');

export function kafkaTopicOf(address: string): string {
  return address
    .split(PARAMETER)
    .map((part) => (PARAMETER.test(part) ? part : part.replace(/\//g, '.').replace(/[^A-Za-z0-9._-]/g, '_')))
    .join('');
}

/** Characters a parameter's value may have in a topic. */
const TOPIC_VALUE = '[A-Za-z0-9._-]+';

/** A topic template as a regular expression, each parameter replaced by `parameter`. */
function topicRegExp(topic: string, parameter: string): RegExp {
  const pattern = topic
    .split(PARAMETER)
    .map((part) => (PARAMETER.test(part) ? parameter : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/** What a consumer subscribes to for a topic template: the topic, or a pattern with a parameter's characters in its place. */
export function kafkaTopicPattern(topic: string): string | RegExp {
  return PARAMETER.test(topic) ? topicRegExp(topic, TOPIC_VALUE) : topic;
}

/** Addresses that map to one topic, whose messages a Kafka client could not tell apart. */
export function kafkaTopicCollisions(addresses: readonly string[]): { topic: string; addresses: string[] }[] {
  const byTopic = new Map<string, Set<string>>();
  for (const address of addresses) {
    // Parameter names do not tell topics apart: a.{x} and a.{y} are one pattern.
    const shape = kafkaTopicOf(address).replace(PARAMETERS, '{}');
    const same = byTopic.get(shape) ?? new Set();
    same.add(address);
    byTopic.set(shape, same);
  }
  return [...byTopic]
    .filter(([, same]) => same.size > 1)
    .map(([topic, same]) => ({ topic, addresses: [...same].sort() }));
}

/**
 * For the channel `addresses`, the address a message on a topic was sent to: the inverse of the mapping for
 * these channels, with a parameter's value put back as it came (a mapped character stays mapped). Patterns
 * are compiled once, here, for the many topics that follow.
 */
export function kafkaTopicResolver(addresses: readonly string[]): (topic: string) => string | undefined {
  const templates = addresses.map((address) => {
    const topic = kafkaTopicOf(address);
    // Values are read as the generated client reads them (its matchAddress): each as short as the match allows.
    return { address, pattern: PARAMETER.test(topic) ? topicRegExp(topic, `(${TOPIC_VALUE}?)`) : topic };
  });
  return (topic) => {
    for (const { address, pattern } of templates) {
      if (typeof pattern === 'string') {
        if (pattern === topic) return address;
        continue;
      }
      const values = pattern.exec(topic)?.slice(1);
      if (!values) continue;
      let index = 0;
      return address.replace(PARAMETERS, () => values[index++] ?? '');
    }
    return undefined;
  };
}

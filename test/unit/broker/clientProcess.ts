/**
 * One MQTT client in its own process, driven over stdio in JSON lines, so that the pattern tests' clients
 * share nothing with the broker's process. In: `{ id, op, ... }` (connect, subscribe, unsubscribe, publish,
 * holdAcks, end). Out: `{ id, ok }` or `{ id, error }` for each, and `{ event: 'message', topic, body }` for
 * each message received, the body in base64.
 * Usage: node --import tsx clientProcess.ts
 */
import { createInterface } from 'node:readline';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

type Command =
  | { id: number; op: 'connect'; url: string; options: IClientOptions; holdAcks?: boolean }
  | { id: number; op: 'subscribe' | 'unsubscribe'; topics: string[]; qos?: 0 | 1 | 2 }
  | { id: number; op: 'publish'; topic: string; body: string; qos?: 0 | 1 | 2 }
  | { id: number; op: 'end'; force: boolean };

let client: MqttClient | undefined;
const write = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);

function connected(): MqttClient {
  if (!client) throw new Error('not connected');
  return client;
}

async function run(command: Command): Promise<void> {
  switch (command.op) {
    case 'connect': {
      // The listener goes on before the CONNACK: a session's redelivery can follow it at once.
      const connecting = mqtt.connect(command.url, { reconnectPeriod: 0, ...command.options });
      client = connecting;
      connecting.on('message', (topic, body) => write({ event: 'message', topic, body: body.toString('base64') }));
      // mqtt.js sends PUBACK only once handleMessage calls back.
      if (command.holdAcks) connecting.handleMessage = (packet) => write({ event: 'message', topic: packet.topic, body: Buffer.from(packet.payload).toString('base64') });
      await new Promise<void>((resolve, reject) => {
        connecting.once('connect', () => resolve());
        connecting.once('error', reject);
      });
      return;
    }
    case 'subscribe':
      await connected().subscribeAsync(command.topics, { qos: command.qos ?? 0 });
      return;
    case 'unsubscribe':
      await connected().unsubscribeAsync(command.topics);
      return;
    case 'publish':
      await connected().publishAsync(command.topic, command.body, { qos: command.qos ?? 0 });
      return;
    case 'end':
      await connected().endAsync(command.force);
      return;
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as Command;
  run(command).then(
    () => write({ id: command.id, ok: true }),
    (error: unknown) => write({ id: command.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.stdin.on('end', () => process.exit(0));

/**
 * A producer in its own process: publishes QoS 1 events until the broker goes away, printing
 * `acked <messageId>` for each PUBACK. Usage: node --import tsx publisherProcess.ts <mqtt-url>
 */
import mqtt from 'mqtt';

async function run(url: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `publisher-${process.pid}`, reconnectPeriod: 0 });
  client.on('close', () => process.exit(0));
  client.on('error', () => process.exit(0));
  for (let n = 1; ; n++) {
    const messageId = `kill-${n}`;
    const orderId = `ORD-2025-${String(n).padStart(6, '0')}`;
    await client.publishAsync(`shop/orders/${orderId}/placed`, JSON.stringify({ headers: { messageId }, payload: { orderId } }), { qos: 1 });
    process.stdout.write(`acked ${messageId}\n`);
  }
}

void run(process.argv[2] ?? 'mqtt://127.0.0.1:1883');

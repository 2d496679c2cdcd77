import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/**
 * Private instances of Debian's brokers on loopback, on free ports, for the tests that need a real one
 * (the codegen round trip, the tap). `.ci/run` installs the packages.
 */
export const MOSQUITTO = '/usr/sbin/mosquitto';
export const NATS_SERVER = '/usr/sbin/nats-server';
/** The Debian package's /usr/sbin wrapper switches to the rabbitmq user and its /var paths; this script runs as us. */
export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export interface BrokerProcess {
  port: number;
  /** Ends the broker and waits for it to exit. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function waitForPort(port: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`broker exited with ${code} before listening`));
    child.once('exit', onExit);
    const attempt = (): void => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        child.off('exit', onExit);
        resolve();
      });
      socket.once('error', () => setImmediate(attempt));
    };
    attempt();
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Mosquitto on `port` (a free one by default); starting it again on the same port is a restart. `config`
 * adds lines to its configuration.
 */
export async function startMosquitto(dir: string, options: { port?: number; config?: readonly string[] } = {}): Promise<BrokerProcess> {
  const listening = options.port ?? (await freePort());
  const config = path.join(dir, `mosquitto-${listening}.conf`);
  await writeFile(config, [`listener ${listening} 127.0.0.1`, 'allow_anonymous true', 'persistence false', ...(options.config ?? []), ''].join('\n'));
  const child = spawn(MOSQUITTO, ['-c', config], { stdio: 'ignore' });
  await waitForPort(listening, child);
  return { port: listening, stop: () => stopChild(child) };
}

/** nats-server on `port` (a free one by default); `args` such as `-js -sd <dir>` for JetStream. */
export async function startNatsServer(port?: number, args: readonly string[] = []): Promise<BrokerProcess> {
  const listening = port ?? (await freePort());
  const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(listening), ...args], { stdio: 'ignore' });
  await waitForPort(listening, child);
  return { port: listening, stop: () => stopChild(child) };
}

/**
 * A private RabbitMQ node: its own name, ports, data and log folders, Erlang cookie (in HOME) and epmd port,
 * so it neither touches nor meets a system RabbitMQ. Ready when it logs that the broker started.
 */
export async function startRabbitMq(dir: string): Promise<BrokerProcess & { url: string }> {
  const base = path.join(dir, 'rabbitmq');
  await mkdir(base, { recursive: true });
  await writeFile(path.join(base, 'enabled_plugins'), '[].\n');
  await writeFile(path.join(base, 'rabbitmq-env.conf'), '');
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    HOME: base,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `eventscope${process.pid}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(base, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(base, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(base, 'enabled_plugins'),
    RABBITMQ_CONF_ENV_FILE: path.join(base, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: path.join(base, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(base, 'advanced.config'),
  };
  // Its own process group, so stopping it ends the shell script and the Erlang VM under it.
  const child = spawn(RABBITMQ_SERVER, [], { cwd: base, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`rabbitmq-server exited with ${code} before it started:\n${output}`));
    child.once('exit', onExit);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Starting broker\.\.\. completed/.test(output)) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  child.stdout.resume();
  return {
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(-child.pid!, 'SIGTERM');
      });
      // Erlang started an epmd daemon on our private port; it outlives the node unless told to go.
      await new Promise<void>((resolve) => spawn('epmd', ['-kill'], { env, stdio: 'ignore' }).once('exit', () => resolve()));
    },
  };
}

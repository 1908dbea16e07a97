import { startRoundRobinProxy, startServeInstances, type ServeOptions, type ServeProcess } from './server-instances';

/**
 * Several `serve` processes on one database and one public origin, behind the round-robin proxy of
 * server-instances.ts that plays the load balancer: the instances are started knowing the proxy's origin
 * (their public origin), and the proxy learns their addresses once they listen.
 */
export interface InstanceCluster {
  /** The public origin: the proxy. */
  origin: string;
  instances: ServeProcess[];
  /** The index of the instance that served each request through the proxy, in order. */
  served(): number[];
  close(): Promise<void>;
}

export async function startCluster(
  count: number,
  options: Omit<ServeOptions, 'publicOrigin'> & { databaseUrl: string },
): Promise<InstanceCluster> {
  const targets: string[] = [];
  const proxy = await startRoundRobinProxy(targets);
  let instances: ServeProcess[] = [];
  try {
    instances = await startServeInstances(count, { ...options, publicOrigin: proxy.origin });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  // The proxy reads its targets per request.
  targets.push(...instances.map((instance) => instance.origin));
  return {
    origin: proxy.origin,
    instances,
    served: () => proxy.served.map((origin) => targets.indexOf(origin)),
    close: async () => {
      await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
      await proxy.close();
    },
  };
}

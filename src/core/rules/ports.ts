/**
 * Ports whose service should never be reachable from outside the cluster: databases, caches,
 * queues and admin APIs (CONTRACT.md, rule `sensitive-port-exposed`). Port numbers, not workload
 * names: a renamed Deployment still listens on 5432.
 */
export const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [5432, "PostgreSQL"],
  [3306, "MySQL"],
  [1433, "Microsoft SQL Server"],
  [1521, "Oracle Database"],
  [6379, "Redis"],
  [11211, "Memcached"],
  [27017, "MongoDB"],
  [9200, "Elasticsearch (HTTP API)"],
  [9300, "Elasticsearch (transport)"],
  [2379, "etcd"],
  [5984, "CouchDB"],
  [8086, "InfluxDB"],
  [9042, "Cassandra (CQL)"],
  [5672, "RabbitMQ (AMQP)"],
  [15672, "RabbitMQ management"],
  [2181, "ZooKeeper"],
  [9092, "Kafka"],
]);

/** The product usually listening on `port`, or undefined when the port is not a sensitive one. */
export function sensitiveService(port: number | string | undefined): string | undefined {
  return typeof port === "number" ? SENSITIVE_PORTS.get(port) : undefined;
}

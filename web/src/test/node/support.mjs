// What the Node.js interop scripts share: the clients, Avro's timestamp-millis as Date, and the output protocol
// the Java tests read (one JSON object per line on stdout; diagnostics on stderr; a non-zero exit on failure).
import avro from 'avsc';
import kafkajs from 'kafkajs';
import lz4 from 'lz4js';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

// kafkajs is CommonJS and names only some of its exports in a way ES modules can import
const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;

/**
 * Avro's {"type": "long", "logicalType": "timestamp-millis"} as a JavaScript Date. Without it avsc reads and
 * writes the bare long, so a service would have to remember which numbers are instants.
 */
export class TimestampMillisType extends avro.types.LogicalType {
  _fromValue(millis) {
    return new Date(millis);
  }

  _toValue(date) {
    return date instanceof Date ? date.getTime() : undefined;
  }

  _resolve(type) {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) {
      return this._fromValue;
    }
    return undefined;
  }
}

/**
 * LZ4 for kafkajs, which ships only GZIP. Eventline's producers and streams compress with LZ4, so without it a
 * Node.js consumer of Eventline's topics fails on the first batch; Kafka's Java client writes the standard frame.
 */
const LZ4_CODEC = () => ({
  async compress(encoder) {
    return Buffer.from(lz4.compress(encoder.buffer));
  },
  async decompress(buffer) {
    return Buffer.from(lz4.decompress(buffer));
  },
});

export function kafkaClient(brokers) {
  CompressionCodecs[CompressionTypes.LZ4] = LZ4_CODEC;
  return new Kafka({ clientId: 'eventline-interop', brokers: brokers.split(','), logLevel: logLevel.ERROR });
}

/**
 * A registry client. With `userInfo`, `user:password` as Confluent's `basic.auth.user.info` takes it, it sends HTTP
 * Basic credentials, which the registry's writes need; by default from SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO.
 */
export function registryClient(url, userInfo = process.env.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO) {
  const colon = userInfo ? userInfo.indexOf(':') : -1;
  const auth = colon > 0 ? { username: userInfo.slice(0, colon), password: userInfo.slice(colon + 1) } : undefined;
  return new SchemaRegistry(
    { host: url, auth },
    { [SchemaType.AVRO]: { logicalTypes: { 'timestamp-millis': TimestampMillisType } } },
  );
}

/** Registers an Avro schema, given as an object, under `subject`; resolves to its registry ID. */
export async function registerAvro(registry, subject, schema) {
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
  return id;
}

/** Sends one record with acks from all in-sync replicas; resolves to the partition and offset it got. */
export async function produceOne(kafka, topic, key, value) {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const [metadata] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    return { partition: metadata.partition, offset: metadata.baseOffset };
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads `topics` from the beginning until `accept` has returned a result for each of them, and resolves to those
 * results by topic. `accept(topic, message)` returns undefined for records to skip.
 */
export async function consumeUntil(kafka, topics, accept) {
  const consumer = kafka.consumer({ groupId: `eventline-interop-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      const found = new Map();
      consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          if (found.has(topic)) {
            return;
          }
          try {
            const result = await accept(topic, message, partition);
            if (result !== undefined) {
              found.set(topic, result);
              if (found.size === topics.length) {
                resolve(Object.fromEntries(found));
              }
            }
          } catch (error) {
            reject(error);
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** The schema ID of a record in the Confluent wire format: magic byte 0, then a big-endian int. */
export function schemaIdOf(value) {
  return value.readInt32BE(1);
}

export function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Runs `main(args)` and exits 0 when it resolves, 1 when it fails and 2 when it outlasts `timeoutMs`. */
export function run(main, usage, timeoutMs) {
  const timer = setTimeout(() => {
    console.error(`interop gave up after ${timeoutMs} ms`);
    process.exit(2);
  }, timeoutMs);
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      () => {
        clearTimeout(timer);
        process.exit(0);
      },
      (error) => {
        console.error(error?.stack ?? String(error));
        if (error instanceof UsageError) {
          console.error(`usage: ${usage}`);
        }
        process.exit(1);
      },
    );
}

export class UsageError extends Error {}

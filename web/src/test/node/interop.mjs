// Drives Eventline's schema registry and Avro wire format with third-party Node.js clients (kafkajs and
// @kafkajs/confluent-schema-registry); NodeClientInteropIntegrationTest runs it and plays the Java side.
//
//   node interop.mjs <bootstrap servers> <registry url> <topic to Java> <topic from Java>
//
// 1. registers an Avro schema and produces one record in the Confluent wire format to <topic to Java>;
// 2. consumes one record from <topic from Java> and decodes it with the schema the registry has for its ID.
// Prints one JSON line per step on stdout; exits non-zero on any failure or after TIMEOUT_MS.
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const TIMEOUT_MS = 90_000;

const GREETING = {
  type: 'record',
  name: 'Greeting',
  namespace: 'io.eventline.interop',
  fields: [
    { name: 'from', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'ratio', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function produceToJava(kafka, registry, topic) {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(GREETING) },
    { subject: `${topic}-value` },
  );
  const value = await registry.encode(id, {
    from: 'node',
    count: 42,
    ratio: 0.5,
    tags: ['kafkajs', 'avsc'],
    note: 'héllo',
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'node', value }] });
  } finally {
    await producer.disconnect();
  }
  emit({ event: 'produced', topic, id, subject: `${topic}-value` });
}

async function consumeFromJava(kafka, registry, topic) {
  const consumer = kafka.consumer({ groupId: `eventline-interop-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const record = await new Promise((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          try {
            const schemaId = message.value.readInt32BE(1);
            resolve({ key: message.key?.toString(), schemaId, value: await registry.decode(message.value) });
          } catch (error) {
            reject(error);
          }
        },
      }).catch(reject);
    });
    emit({ event: 'consumed', topic, ...record });
  } finally {
    await consumer.disconnect();
  }
}

async function main() {
  const [brokers, registryUrl, toJava, fromJava] = process.argv.slice(2);
  if (!fromJava) {
    throw new Error('usage: node interop.mjs <bootstrap servers> <registry url> <topic to Java> <topic from Java>');
  }
  const kafka = new Kafka({ clientId: 'eventline-interop', brokers: brokers.split(','), logLevel: logLevel.ERROR });
  const registry = new SchemaRegistry({ host: registryUrl });
  await produceToJava(kafka, registry, toJava);
  await consumeFromJava(kafka, registry, fromJava);
}

const timer = setTimeout(() => {
  console.error(`interop gave up after ${TIMEOUT_MS} ms`);
  process.exit(2);
}, TIMEOUT_MS);

main().then(
  () => {
    clearTimeout(timer);
    process.exit(0);
  },
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  },
);

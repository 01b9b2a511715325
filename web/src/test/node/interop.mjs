// Drives Eventline's schema registry and Avro wire format with third-party Node.js clients (kafkajs and
// @kafkajs/confluent-schema-registry); NodeClientInteropIntegrationTest runs it and plays the Java side.
//
//   SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=user:password \
//   node interop.mjs <bootstrap servers> <registry url> <topic to Java> <topic from Java>
//
// 1. tries to register an Avro schema without credentials, and reports how the registry answered;
// 2. registers it with the credentials and produces one record in the Confluent wire format to <topic to Java>;
// 3. consumes one record from <topic from Java> and decodes it with the schema the registry has for its ID.
// Prints one JSON line per step on stdout; exits non-zero on any failure or after the timeout.
import {
  consumeUntil, emit, kafkaClient, produceOne, registerAvro, registryClient, run, schemaIdOf, UsageError,
} from './support.mjs';

const USAGE = 'node interop.mjs <bootstrap servers> <registry url> <topic to Java> <topic from Java>';

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

async function registerWithoutCredentials(registryUrl, topic) {
  try {
    const id = await registerAvro(registryClient(registryUrl, null), `${topic}-value`, GREETING);
    emit({ event: 'registered without credentials', id });
  } catch (error) {
    emit({ event: 'refused without credentials', status: error.status, message: error.message });
  }
}

async function produceToJava(kafka, registry, topic) {
  const subject = `${topic}-value`;
  const id = await registerAvro(registry, subject, GREETING);
  const value = await registry.encode(id, {
    from: 'node',
    count: 42,
    ratio: 0.5,
    tags: ['kafkajs', 'avsc'],
    note: 'héllo',
  });
  await produceOne(kafka, topic, 'node', value);
  emit({ event: 'produced', topic, id, subject });
}

async function consumeFromJava(kafka, registry, topic) {
  const { [topic]: record } = await consumeUntil(kafka, [topic], async (_, message) => ({
    key: message.key?.toString(),
    schemaId: schemaIdOf(message.value),
    value: await registry.decode(message.value),
  }));
  emit({ event: 'consumed', topic, ...record });
}

async function main(args) {
  const [brokers, registryUrl, toJava, fromJava] = args;
  if (!fromJava) {
    throw new UsageError(`expected 4 arguments, got ${args.length}`);
  }
  const kafka = kafkaClient(brokers);
  await registerWithoutCredentials(registryUrl, toJava);
  const registry = registryClient(registryUrl);
  await produceToJava(kafka, registry, toJava);
  await consumeFromJava(kafka, registry, fromJava);
}

run(main, USAGE, 90_000);

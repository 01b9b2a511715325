// Plays an external Node.js service that asks Eventline for a short link over Kafka, with kafkajs and
// @kafkajs/confluent-schema-registry; NodeProducerInteropTest runs it against a running Eventline.
//
//   SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO=user:password \
//   node shorturl-interop.mjs <bootstrap servers> <registry url> <requests topic> <links topic> <outcomes topic>
//                             <user id> <alias> <url>
//
// 1. registers its own copy of the ShortUrlRequested schema under <requests topic>-value and produces one
//    request for <url> under the custom code <alias>, keyed by <user id>, with a fresh event ID;
// 2. consumes the LinkCreated that Eventline writes for <alias> to <links topic> and the OperationOutcome it
//    writes for the event ID to <outcomes topic>, and decodes both with the schemas the registry serves.
// Prints one JSON line per step on stdout; exits non-zero on any failure or after the timeout.
import { randomUUID } from 'node:crypto';
import {
  consumeUntil, emit, kafkaClient, produceOne, registerAvro, registryClient, run, schemaIdOf, UsageError,
} from './support.mjs';

const USAGE = 'node shorturl-interop.mjs <bootstrap servers> <registry url> <requests topic> <links topic> '
  + '<outcomes topic> <user id> <alias> <url>';

// The service's own copy of the contract, as a team outside Eventline keeps one: the same fields, types and
// defaults without the docs, so the registry holds it as a version of its own and Eventline reads records
// written with it by resolving it against the schema compiled into Eventline.
const SHORT_URL_REQUESTED = {
  type: 'record',
  name: 'ShortUrlRequested',
  namespace: 'io.eventline.shorturl',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'userId', type: 'string' },
    { name: 'url', type: 'string' },
    { name: 'redirect', type: 'int', default: 302 },
    { name: 'customCode', type: ['null', 'string'], default: null },
    { name: 'rejectedCode', type: ['null', 'string'], default: null },
  ],
};

async function requestLink(kafka, registry, topic, request) {
  const subject = `${topic}-value`;
  const schemaId = await registerAvro(registry, subject, SHORT_URL_REQUESTED);
  const value = await registry.encode(schemaId, request);
  const { partition, offset } = await produceOne(kafka, topic, request.userId, value);
  emit({
    event: 'produced', topic, subject, schemaId, key: request.userId, partition, offset, value: request,
  });
}

async function awaitResults(kafka, registry, wanted) {
  const results = await consumeUntil(kafka, Object.keys(wanted), async (topic, message) => {
    const key = message.key?.toString();
    if (key !== wanted[topic] || !message.value) {
      return undefined;
    }
    return { key, schemaId: schemaIdOf(message.value), value: await registry.decode(message.value) };
  });
  for (const topic of Object.keys(wanted)) {
    emit({ event: 'consumed', topic, ...results[topic] });
  }
}

async function main(args) {
  const [brokers, registryUrl, requests, links, outcomes, userId, alias, url] = args;
  if (!url) {
    throw new UsageError(`expected 8 arguments, got ${args.length}`);
  }
  const kafka = kafkaClient(brokers);
  const registry = registryClient(registryUrl);
  const request = {
    eventId: randomUUID(),
    timestamp: new Date(),
    userId,
    url,
    redirect: 302,
    customCode: alias,
    rejectedCode: null,
  };
  await requestLink(kafka, registry, requests, request);
  await awaitResults(kafka, registry, { [links]: alias, [outcomes]: request.eventId });
}

run(main, USAGE, 100_000);

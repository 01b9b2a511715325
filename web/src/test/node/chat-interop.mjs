// Plays two users of a third-party chat client built on the npm `ws` package; ChatApiTest runs it against a
// running Eventline.
//
//   node chat-interop.mjs <socket url> <channel id> <sender token> <recipient token> <recipient device> <text>
//
// 1. connects the sender with its token in the Authorization header and the recipient with its token in the
//    access_token query parameter (as a browser must), and waits for both hellos;
// 2. the sender sends <text> on <channel id> and waits for its ack; the recipient waits for the message frame;
// 3. the recipient acknowledges the message's seq, so its device's cursor moves past it.
// Prints one JSON line per step on stdout; exits non-zero on any failure or after the timeout.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { emit, run, UsageError } from './support.mjs';

const USAGE = 'node chat-interop.mjs <socket url> <channel id> <sender token> <recipient token> '
  + '<recipient device> <text>';

/** Opens a socket and resolves once its hello came; `frames` collects every later frame. */
function connect(url, options) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    const waiting = [];
    const frames = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'hello') {
        resolve({ socket, hello: frame, next });
        return;
      }
      frames.push(frame);
      waiting.splice(0).forEach((wake) => wake());
    });
    socket.on('unexpected-response', (request, response) => {
      reject(new Error(`the upgrade was refused with ${response.statusCode}`));
    });
    socket.on('error', reject);

    /** Resolves to the first frame, now or later, that `accept` takes. */
    function next(accept) {
      return new Promise((resolveFrame) => {
        const look = () => {
          const index = frames.findIndex(accept);
          if (index >= 0) {
            resolveFrame(frames.splice(index, 1)[0]);
          } else {
            waiting.push(look);
          }
        };
        look();
      });
    }
  });
}

async function main(args) {
  if (args.length !== 6) {
    throw new UsageError('six arguments expected');
  }
  const [url, channelId, senderToken, recipientToken, recipientDevice, text] = args;
  const sender = await connect(`${url}?device=node-sender`, {
    headers: { Authorization: `Bearer ${senderToken}` },
  });
  const recipientUrl = `${url}?device=${encodeURIComponent(recipientDevice)}`
    + `&access_token=${encodeURIComponent(recipientToken)}`;
  const recipient = await connect(recipientUrl);
  emit({ event: 'hello', who: 'sender', device: sender.hello.device, cursor: sender.hello.cursor });
  emit({ event: 'hello', who: 'recipient', device: recipient.hello.device, cursor: recipient.hello.cursor });

  const clientMessageId = randomUUID();
  sender.socket.send(JSON.stringify({ type: 'send', channelId, text, clientMessageId }));
  const ack = await sender.next((frame) => frame.clientMessageId === clientMessageId
    && (frame.type === 'ack' || frame.type === 'error'));
  if (ack.type !== 'ack') {
    throw new Error(`the send was refused: ${JSON.stringify(ack)}`);
  }
  emit({ event: 'ack', clientMessageId: ack.clientMessageId, messageId: ack.messageId });

  const message = await recipient.next((frame) => frame.type === 'message' && frame.messageId === ack.messageId);
  emit({
    event: 'message', seq: message.seq, messageId: message.messageId, senderId: message.senderId, text: message.text,
  });

  recipient.socket.send(JSON.stringify({ type: 'ack', seq: message.seq }));
  emit({ event: 'acknowledged', seq: message.seq });
  // a clean close, so the server sees the device disconnect after the acknowledgement went out
  await Promise.all([sender, recipient].map(({ socket }) => new Promise((resolve) => {
    socket.once('close', resolve);
    socket.close(1000, 'done');
  })));
}

run(main, USAGE, 60_000);

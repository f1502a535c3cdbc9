// The pod-streams protocol on two in-memory ends: streams both ways, flow control, bad frames, lost peers.
import c from 'compact-encoding';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PodStreamError } from '../../agent/podstreams/errors.ts';
import { decodeFrame, encodeFrame, MAX_DATA_BYTES } from '../../agent/podstreams/frames.ts';
import { type IncomingStreamHandler, type MuxStream, StreamMux } from '../../agent/podstreams/StreamMux.ts';

const logger = pino({ level: 'silent' });

interface Pair {
  a: StreamMux;
  b: StreamMux;
  /** Frames a sent to b, raw. */
  aToB: Uint8Array[];
  /** Inject raw bytes as if b had sent them to a (or a to b). */
  injectToA(bytes: Uint8Array): void;
  injectToB(bytes: Uint8Array): void;
  closedLinks: string[];
}

/** Two muxes back to back; frames are delivered asynchronously, in order, like a real connection. */
function pair(
  onIncomingB: IncomingStreamHandler,
  opts: { window?: number; maxIncomingStreams?: number } = {},
): Pair {
  const aToB: Uint8Array[] = [];
  const closedLinks: string[] = [];
  const deliver = (to: () => StreamMux, bytes: Uint8Array) => setImmediate(() => to().receive(bytes));
  const a: StreamMux = new StreamMux({
    link: {
      send: (f) => {
        aToB.push(f);
        deliver(() => b, f);
      },
      close: () => closedLinks.push('a'),
    },
    peerLabel: 'node "b"',
    onIncoming: (_r, s) => s.fail('BadRequest', 'a serves nothing'),
    logger,
    ...opts,
  });
  const b: StreamMux = new StreamMux({
    link: { send: (f) => deliver(() => a, f), close: () => closedLinks.push('b') },
    peerLabel: 'node "a"',
    onIncoming: onIncomingB,
    logger,
    ...opts,
  });
  return {
    a,
    b,
    aToB,
    injectToA: (bytes) => a.receive(bytes),
    injectToB: (bytes) => b.receive(bytes),
    closedLinks,
  };
}

async function collect(stream: MuxStream): Promise<{ text: string; events: string[] }> {
  let text = '';
  const events: string[] = [];
  for await (const e of stream.events()) {
    if (e.type === 'data') text += e.data.toString();
    else events.push(e.type === 'exit' ? `exit ${e.code}` : e.type === 'end' ? `end ${e.fd}` : e.type);
  }
  return { text, events };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('StreamMux', () => {
  it('opens a stream, carries data both ways, and ends on CLOSE', async () => {
    const p = pair(async (request, stream) => {
      expect(request).toBe('echo');
      stream.ready();
      // Breaking out of events() would abandon the stream: answer from inside the loop instead.
      for await (const e of stream.events()) {
        if (e.type === 'data') await stream.send(1, Buffer.from(e.data.toString().toUpperCase()));
        if (e.type === 'end') {
          stream.sendExit(7);
          await stream.finish();
        }
      }
    });
    const s = await p.a.open('echo');
    await s.send(0, Buffer.from('hello '));
    await s.send(0, Buffer.from('world'));
    s.sendEnd(0);
    expect(await collect(s)).toEqual({ text: 'HELLO WORLD', events: ['exit 7'] });
    await tick();
    expect(p.a.streamCount).toBe(0);
    expect(p.b.streamCount).toBe(0);
  });

  it('rejects the open with the error the serving side chose', async () => {
    const p = pair((_r, s) => s.fail('NotFound', 'pods "x" not found'));
    await expect(p.a.open('{}')).rejects.toMatchObject({ reason: 'NotFound', message: 'pods "x" not found' });
  });

  it('runs many streams at once without mixing them', async () => {
    const p = pair(async (request, stream) => {
      stream.ready();
      for (let i = 0; i < 5; i++) await stream.send(1, Buffer.from(`${request}${i} `));
      await stream.finish();
    });
    const streams = await Promise.all(['x', 'y', 'z'].map((r) => p.a.open(r)));
    const texts = await Promise.all(streams.map(async (s) => (await collect(s)).text));
    expect(texts).toEqual(['x0 x1 x2 x3 x4 ', 'y0 y1 y2 y3 y4 ', 'z0 z1 z2 z3 z4 ']);
  });

  it('stops a fast sender at the window until the consumer reads', async () => {
    const window = 4096;
    let sent = 0;
    let serverDone = false;
    const p = pair(
      async (_r, stream) => {
        stream.ready();
        for (let i = 0; i < 100; i++) {
          if (!(await stream.send(1, Buffer.alloc(1024, 97)))) return;
          sent += 1024;
        }
        await stream.finish();
        serverDone = true;
      },
      { window },
    );
    const s = await p.a.open('flood');
    await tick();
    await tick();
    // Nothing consumed: the server has sent one window and waits.
    expect(sent).toBe(window);
    expect(serverDone).toBe(false);
    const { text } = await collect(s);
    expect(text.length).toBe(100 * 1024);
    expect(serverDone).toBe(true);
  });

  it('splits a write larger than a frame', async () => {
    const big = Buffer.alloc(MAX_DATA_BYTES * 2 + 10, 98);
    const p = pair(async (_r, stream) => {
      stream.ready();
      await stream.send(2, big);
      await stream.finish();
    });
    const s = await p.a.open('big');
    expect((await collect(s)).text.length).toBe(big.length);
  });

  it('resets a stream whose peer ignores the window, and keeps the others', async () => {
    let victim: MuxStream | undefined;
    const p = pair(
      (_r, stream) => {
        stream.ready();
        victim ??= stream;
      },
      { window: 1024 },
    );
    const s = await p.a.open('one');
    const other = await p.a.open('two');
    // b "sends" 2 KiB of data without credit: forge the frames as b would.
    for (let i = 0; i < 2; i++)
      p.injectToA(
        encodeFrame({ type: 'data', senderOwns: false, id: s.id, fd: 1, data: Buffer.alloc(1024) }),
      );
    await expect(collect(s)).rejects.toThrow(/flow-control window/);
    expect(other.done).toBe(false);
    expect(p.closedLinks).toEqual([]);
    await tick();
    expect(victim?.done).toBe(true); // b was told
  });

  it('closes the channel on an unreadable frame, failing every stream with the peer named', async () => {
    const p = pair((_r, stream) => stream.ready());
    const s = await p.a.open('x');
    p.injectToA(Buffer.from([0xff]));
    await expect(collect(s)).rejects.toThrow(/lost the connection to node "b"/);
    expect(p.closedLinks).toEqual(['a']);
    await expect(p.a.open('y')).rejects.toBeInstanceOf(PodStreamError);
  });

  it('answers an oversized or malformed frame about one stream with a reset, never a throw', async () => {
    const p = pair((_r, stream) => stream.ready());
    const s = await p.a.open('x');
    const state = c.state();
    const bad = Buffer.concat([Buffer.from([3, 1]), c.encode(c.uint, s.id), Buffer.from([9])]); // fd 9
    expect(() => p.injectToA(bad)).not.toThrow();
    expect(state.start).toBe(0);
    await expect(collect(s)).rejects.toThrow(/bad fd 9/);
    expect(decodeFrame(Buffer.alloc(0)).ok).toBe(false);
    expect(decodeFrame(encodeFrame({ type: 'close', senderOwns: true, id: 1 })).ok).toBe(true);
  });

  it('fails the streams of a lost connection, naming the peer', async () => {
    const p = pair((_r, stream) => stream.ready());
    const s = await p.a.open('x');
    p.a.destroy('the connection closed');
    await expect(collect(s)).rejects.toThrow('lost the connection to node "b": the connection closed');
  });

  it('refuses streams beyond the limit', async () => {
    const p = pair((_r, stream) => stream.ready(), { maxIncomingStreams: 2 });
    await p.a.open('1');
    await p.a.open('2');
    await expect(p.a.open('3')).rejects.toThrow(/too many pod streams/);
  });

  it('stops the serving side when the client closes', async () => {
    let serverSaw = '';
    const p = pair(async (_r, stream) => {
      stream.ready();
      while (await stream.send(1, Buffer.from('x'))) await tick();
      serverSaw = 'stopped';
    });
    const s = await p.a.open('follow');
    for await (const e of s.events()) if (e.type === 'data') break; // abandons the stream
    await tick();
    await tick();
    expect(serverSaw).toBe('stopped');
  });
});

// automerge-repo sync over Shoal's peer links, with in-memory links standing in for swarm channels.

import * as A from '@automerge/automerge';
import {
  cbor,
  type DocHandle,
  type DocumentId,
  interpretAsDocumentId,
  Repo,
  stringifyAutomergeUrl,
} from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import { SwarmNetworkAdapter } from '../../shared/sync/SwarmNetworkAdapter.ts';
import { waitForDocument } from '../../shared/sync/waitForDocument.ts';

type Doc = {
  items: Record<string, string>;
};

interface Peer {
  repo: Repo;
  adapter: SwarmNetworkAdapter;
  problems: string[];
}

const peers: Peer[] = [];

function makePeer(): Peer {
  const problems: string[] = [];
  const adapter = new SwarmNetworkAdapter((p) => problems.push(p.reason));
  const repo = new Repo({ network: [adapter], sharePolicy: async () => true });
  const peer = { repo, adapter, problems };
  peers.push(peer);
  return peer;
}

/** Connects two peers with an in-memory link that delivers asynchronously, like a socket. */
function link(a: Peer, b: Peer): () => void {
  let open = true;
  const ends: { receive: (d: Uint8Array) => void; detach: () => void }[] = [];
  const deliver = (to: number) => (data: Uint8Array) => {
    setImmediate(() => open && ends[to]?.receive(data));
  };
  ends[0] = a.adapter.attach({ remoteId: 'b', send: deliver(1) });
  ends[1] = b.adapter.attach({ remoteId: 'a', send: deliver(0) });
  return () => {
    open = false;
    for (const e of ends) e.detach();
  };
}

const DOC_ID: DocumentId = interpretAsDocumentId(stringifyAutomergeUrl(new Uint8Array(16).fill(7) as never));

function seed(peer: Peer): DocHandle<Doc> {
  const initial = A.save(A.from<Doc>({ items: {} }));
  return peer.repo.import<Doc>(initial, { docId: DOC_ID });
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  for (const p of peers.splice(0)) await p.repo.shutdown();
});

describe('SwarmNetworkAdapter', () => {
  it('replicates a document, and relays through a peer in the middle (A - B - C)', async () => {
    const [a, b, c] = [makePeer(), makePeer(), makePeer()];
    link(a, b);
    link(b, c);
    const ha = seed(a);
    const hc = await waitForDocument<Doc>(c.repo, DOC_ID, { retryMs: 20 });
    ha.change((d) => {
      d.items.x = 'from A';
    });
    await waitFor(() => hc.doc()?.items.x === 'from A');
    hc.change((d) => {
      d.items.y = 'from C';
    });
    await waitFor(() => ha.doc()?.items.y === 'from C');
    expect(a.problems).toEqual([]);
  });

  it('converges concurrent writes, and a peer that was offline catches up', async () => {
    const [a, b] = [makePeer(), makePeer()];
    const cut = link(a, b);
    const ha = seed(a);
    const hb = await waitForDocument<Doc>(b.repo, DOC_ID, { retryMs: 20 });
    cut();
    ha.change((d) => {
      d.items.a = '1';
    });
    hb.change((d) => {
      d.items.b = '2';
    });
    link(a, b);
    await waitFor(() => ha.doc()?.items.b === '2' && hb.doc()?.items.a === '1');
    expect(ha.doc()).toEqual(hb.doc());
  });

  it("answers a peer whose hello arrived before this side's repo was listening", async () => {
    // The founder's adapter is linked before its repo exists, as when a joiner connects while the founder
    // is still loading the document: the joiner's hello must still be announced once the repo connects.
    const joiner = makePeer();
    const problems: string[] = [];
    const founderAdapter = new SwarmNetworkAdapter((p) => problems.push(p.reason));
    const ends: { receive: (d: Uint8Array) => void }[] = [];
    ends[0] = joiner.adapter.attach({
      remoteId: 'founder',
      send: (d) => setImmediate(() => ends[1]?.receive(d)),
    });
    ends[1] = founderAdapter.attach({
      remoteId: 'joiner',
      send: (d) => setImmediate(() => ends[0]?.receive(d)),
    });
    await new Promise((r) => setTimeout(r, 100));
    const founder: Peer = {
      repo: new Repo({ network: [founderAdapter], sharePolicy: async () => true }),
      adapter: founderAdapter,
      problems,
    };
    peers.push(founder);
    seed(founder).change((d) => {
      d.items.hello = 'joiner';
    });
    const found = await waitForDocument<Doc>(joiner.repo, DOC_ID, { retryMs: 20 });
    await waitFor(() => found.doc()?.items.hello === 'joiner');
    expect(problems).toEqual([]);
  });

  it('drops garbage, messages before hello and spoofed senders, and keeps syncing', async () => {
    const [a, b] = [makePeer(), makePeer()];
    a.adapter.connect('peer-a' as never, {});
    const end = a.adapter.attach({ remoteId: 'evil', send: () => {} });
    end.receive(new Uint8Array([0xff, 0x00, 0x13]));
    end.receive(
      cbor.encode({
        type: 'sync',
        senderId: 'x',
        targetId: 'peer-a',
        data: new Uint8Array(1),
        documentId: DOC_ID,
      }),
    );
    end.receive(cbor.encode({ type: 'shoal-hello', peerId: 'evil-peer', peerMetadata: {} }));
    end.receive(
      cbor.encode({
        type: 'sync',
        senderId: 'someone-else',
        targetId: 'peer-a',
        data: new Uint8Array(1),
        documentId: DOC_ID,
      }),
    );
    end.receive(cbor.encode({ hello: 'world' }));
    expect(a.problems).toEqual([
      'undecodable sync message',
      'sync message before hello',
      'sync message with a foreign sender or target',
      'not an automerge-repo message',
    ]);
    link(a, b);
    const ha = seed(a);
    ha.change((d) => {
      d.items.ok = 'yes';
    });
    const hb = await waitForDocument<Doc>(b.repo, DOC_ID, { retryMs: 20 });
    await waitFor(() => hb.doc()?.items.ok === 'yes');
  });
});

import { describe, expect, it } from 'vitest';
import { anchorRootFromPath, fromHex, leafHash, nodeHash, rootFromAuditPath, toHex, verifyProof } from './merkle.js';

// PROTOCOL §5: the three leaf inputs of the test batch and their RFC 6962 root.
const LEAVES = [42, 43, 44].map((seq, i) => {
  const sigs = [
    'jMaM9WsdLYikCmxc1Bs45FYCF7KfFWTjwH8YOqChlRnR0AogC8DRBvkmbz2OQtj0Vamz9yl3vDXGCMC7ve9-CA',
    'KljdMKOwmuLp1rPOnLMH9uJ3z8oLTGOcsI-fjJpIB6aFm5pRw7faAOREdP4a4mTwypqyYAgQVXXk0bbU2pliAw',
    '6hSK9lqedizE-e-95SOk0EpgJXzjq7w0FESTnbG7MHn6LH0rIj9nhuLXVBWQMkAnJBgEvK00TbPTXTO5l6RlDg',
  ];
  return `{"battery_level":87,"cpu_usage":12.5,"device_id":"esp32-lab-01","sensors":{"humidity":41,"light":310,"motion":0,"temperature":22.4},"sequence_no":${seq},"sig":"${sigs[i]}","timestamp":${1795000000123 + i * 1000},"type":"telemetry"}`;
});
const ROOT = '38ea503500f0aa8e3015b8abd7a899d0fd39f76b025a8508a9d624965455cd6e';

// RFC 6962 §2.1 as written: MTH by recursion on the largest power of two below n, PATH likewise.
function split(n) {
  let k = 1;
  while (k * 2 < n) {
    k *= 2;
  }
  return k;
}
async function mth(leaves) {
  if (leaves.length === 1) {
    return leafHash(leaves[0]);
  }
  const k = split(leaves.length);
  return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}
async function path(m, leaves) {
  if (leaves.length === 1) {
    return [];
  }
  const k = split(leaves.length);
  if (m < k) {
    return [...(await path(m, leaves.slice(0, k))), toHex(await mth(leaves.slice(k)))];
  }
  return [...(await path(m - k, leaves.slice(k))), toHex(await mth(leaves.slice(0, k)))];
}

describe('RFC 6962 audit paths in the browser', () => {
  it('reproduces the PROTOCOL test-vector root from every leaf of the batch', async () => {
    expect(toHex(await mth(LEAVES))).toBe(ROOT);
    for (let i = 0; i < LEAVES.length; i++) {
      expect(await rootFromAuditPath(LEAVES[i], i, 3, await path(i, LEAVES))).toBe(ROOT);
    }
  });

  it('agrees with the recursive definition for every leaf of trees of 1 to 17 leaves', async () => {
    for (let n = 1; n <= 17; n++) {
      const leaves = Array.from({ length: n }, (_, i) => `leaf-${i}`);
      const root = toHex(await mth(leaves));
      for (let i = 0; i < n; i++) {
        expect(await rootFromAuditPath(leaves[i], i, n, await path(i, leaves))).toBe(root);
      }
    }
  });

  it('does not verify a tampered log, a wrong index or a path that does not fit the size', async () => {
    const p = await path(1, LEAVES);
    expect(await rootFromAuditPath(LEAVES[1].replace('"humidity":41', '"humidity":42'), 1, 3, p)).not.toBe(ROOT);
    expect(await rootFromAuditPath(LEAVES[1], 0, 3, p)).not.toBe(ROOT);
    expect(await rootFromAuditPath(LEAVES[1], 1, 5, p)).toBeNull();
    expect(await rootFromAuditPath(LEAVES[1], 3, 3, p)).toBeNull();
  });

  it('says verified only when the recomputed root equals the on-chain root', async () => {
    const proof = { leaf_input: LEAVES[2], leaf_index: 2, tree_size: 3, audit_path: await path(2, LEAVES), batch_hash: ROOT };
    expect((await verifyProof({ ...proof, onchain_hash: ROOT })).status).toBe('verified');
    expect((await verifyProof({ ...proof, onchain_hash: null })).status).toBe('not_anchored');
    expect((await verifyProof({ ...proof, onchain_hash: '00'.repeat(32) })).status).toBe('mismatch');
  });

  it('follows a batch hash up the anchor path to the root its transaction anchored', async () => {
    const batchLeaf = async (hex) =>
      new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([0, ...fromHex(hex)])));
    const other = 'ab'.repeat(32);
    const third = 'cd'.repeat(32);
    // Three batches in one transaction: root = node(node(B0, B1), B2).
    const b0 = await batchLeaf(ROOT);
    const b1 = await batchLeaf(other);
    const b2 = await batchLeaf(third);
    const anchorRoot = toHex(await nodeHash(await nodeHash(b0, b1), b2));
    const proof = {
      leaf_input: LEAVES[0], leaf_index: 0, tree_size: 3, audit_path: await path(0, LEAVES), batch_hash: ROOT,
      onchain_hash: ROOT, anchor_root: anchorRoot, anchor_index: 0, anchor_size: 3, anchor_path: [toHex(b1), toHex(b2)],
    };
    const check = await verifyProof(proof);
    expect(check.anchorComputed).toBe(anchorRoot);
    expect(check.anchorRoot).toBe(anchorRoot);
    expect(await anchorRootFromPath(ROOT, { ...proof, anchor_index: 1 })).not.toBe(anchorRoot);
    expect(await anchorRootFromPath(ROOT, { ...proof, anchor_path: undefined })).toBeNull();
  });
});

// RFC 6962 / RFC 9162 inclusion proofs checked in the browser with WebCrypto: the server supplies the
// leaf input and the audit path, the browser recomputes the root itself.

const encoder = new TextEncoder();

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (!/^([0-9a-f]{2})*$/.test(hex)) {
    throw new Error(`not lowercase hex: ${hex}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(i * 2, 2), 16);
  }
  return out;
}

async function sha256(...parts) {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

/** leaf = SHA-256(0x00 || leaf input), the leaf input being the JCS bytes of the whole packet. */
export async function leafHash(leafInput) {
  return sha256(new Uint8Array([0]), encoder.encode(leafInput));
}

export async function nodeHash(left, right) {
  return sha256(new Uint8Array([1]), left, right);
}

/**
 * The root an audit path leads to (RFC 9162 §2.1.3.2), or null when the path does not fit the tree size.
 */
export async function rootFromAuditPath(leafInput, leafIndex, treeSize, auditPath) {
  return rootFromLeafHash(await leafHash(leafInput), leafIndex, treeSize, auditPath);
}

/** As rootFromAuditPath, from the leaf's hash. */
async function rootFromLeafHash(leaf, leafIndex, treeSize, auditPath) {
  if (!(leafIndex >= 0 && leafIndex < treeSize)) {
    return null;
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const hex of auditPath) {
    const p = fromHex(hex);
    if (sn === 0) {
      return null;
    }
    if ((fn & 1) === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? toHex(r) : null;
}

/**
 * The anchor root a batch hash leads to along the proof's anchor path (the batches its transaction anchored; the leaf
 * input is the batch hash's 32 bytes), or null when the proof carries none or the path does not fit.
 */
export async function anchorRootFromPath(batchHash, proof) {
  if (batchHash === null || !Array.isArray(proof.anchor_path)) {
    return null;
  }
  const leaf = await sha256(new Uint8Array([0]), fromHex(batchHash));
  return rootFromLeafHash(leaf, proof.anchor_index, proof.anchor_size, proof.anchor_path);
}

/** Checks a proof from GET /logs/{device}/{seq}/proof against the on-chain root it carries. */
export async function verifyProof(proof) {
  const computed = await rootFromAuditPath(proof.leaf_input, proof.leaf_index, proof.tree_size, proof.audit_path);
  const onchain = proof.onchain_hash || null;
  return {
    computed,
    onchain,
    anchorComputed: await anchorRootFromPath(computed, proof),
    anchorRoot: proof.anchor_root || null,
    stored: proof.batch_hash,
    verified: computed !== null && onchain !== null && computed === onchain,
    status: computed === null ? 'bad_path' : onchain === null ? 'not_anchored' : computed === onchain ? 'verified' : 'mismatch',
  };
}

//! The tree over stored hashes the caller keeps: a store that hands out only what is
//! asked for, 300 entries appended, every inclusion and consistency proof checked, and
//! roots and proofs against an independent RFC 6962 computation and published vectors.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;

use assure_tlog::{
    EMPTY_HASH, Hash, HashCache, LogError, MemoryLog, entry_hash, hashes_to_store,
    prove_consistency, prove_inclusion, tree_root,
};
use sha2::{Digest as _, Sha256};

/// A database table of stored hashes, and how many reads were made of it.
#[derive(Default)]
struct Store {
    table: BTreeMap<u64, Hash>,
    reads: usize,
}

impl Store {
    /// Calls `f` with a cache that starts empty and is filled only with what `f` reports
    /// missing, as a service fills it from its database.
    fn run<T>(&mut self, mut f: impl FnMut(&HashCache) -> assure_tlog::Result<T>) -> T {
        let mut cache = HashCache::new();
        for _round in 0..2 {
            match f(&cache) {
                Err(LogError::Missing(indexes)) => {
                    assert!(!indexes.is_empty());
                    self.reads += 1;
                    for i in indexes {
                        let hash = self.table.get(&i).unwrap_or_else(|| panic!("no hash {i}"));
                        cache.insert(i, *hash);
                    }
                }
                other => return other.unwrap(),
            }
        }
        panic!("a second round of missing hashes: each function asks once")
    }
}

fn leaf(i: u64) -> Vec<u8> {
    format!("entry {i}").into_bytes()
}

/// RFC 6962 §2.1, written out independently of the library.
fn mth(leaves: &[Vec<u8>]) -> [u8; 32] {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => Sha256::new()
            .chain_update([0u8])
            .chain_update(&leaves[0])
            .finalize()
            .into(),
        n => {
            // The largest power of two smaller than n.
            let k = 1 << (n - 1).ilog2();
            Sha256::new()
                .chain_update([1u8])
                .chain_update(mth(&leaves[..k]))
                .chain_update(mth(&leaves[k..]))
                .finalize()
                .into()
        }
    }
}

#[test]
fn three_hundred_entries_every_proof() {
    const N: u64 = 300;
    let mut store = Store::default();
    let mut roots = vec![EMPTY_HASH];
    for n in 0..N {
        let new = store.run(|cache| hashes_to_store(n, &leaf(n), cache));
        assert_eq!(new[0].1, entry_hash(&leaf(n)), "the leaf hash comes first");
        for (index, hash) in new {
            assert!(
                store.table.insert(index, hash).is_none(),
                "{index} rewritten"
            );
        }
        roots.push(store.run(|cache| tree_root(n + 1, cache)));
    }
    // Every inclusion proof, in every tree size.
    for size in 1..=N {
        let root = roots[size as usize];
        for index in 0..size {
            let proof = store.run(|cache| prove_inclusion(size, index, cache));
            tlog_tiles::check_record(&proof, size, root, index, entry_hash(&leaf(index)))
                .unwrap_or_else(|e| panic!("inclusion {index} in {size}: {e}"));
            if index + 1 < size {
                assert!(
                    tlog_tiles::check_record(
                        &proof,
                        size,
                        root,
                        index + 1,
                        entry_hash(&leaf(index))
                    )
                    .is_err()
                );
            }
        }
    }
    // Consistency from every size to every larger size (a stride keeps it quick).
    for new in (1..=N).step_by(7).chain([N]) {
        for old in 1..=new {
            let proof = store.run(|cache| prove_consistency(old, new, cache));
            let (old_root, new_root) = (roots[old as usize], roots[new as usize]);
            tlog_tiles::check_tree(&proof, new, new_root, old, old_root)
                .unwrap_or_else(|e| panic!("consistency {old} → {new}: {e}"));
            if old < new && !proof.is_empty() {
                let mut bad = proof.clone();
                bad[0].0[0] ^= 1;
                assert!(tlog_tiles::check_tree(&bad, new, new_root, old, old_root).is_err());
            }
        }
    }
    assert!(store.reads > 0);
    // Independently computed roots agree, for every size up to 70.
    let leaves: Vec<Vec<u8>> = (0..N).map(leaf).collect();
    for size in 0..=70 {
        assert_eq!(roots[size].0, mth(&leaves[..size]), "root of size {size}");
    }
    assert_eq!(roots[N as usize].0, mth(&leaves));
}

#[test]
fn out_of_range_is_refused() {
    let mut log = MemoryLog::new();
    for i in 0..5 {
        log.append_bytes(&leaf(i)).unwrap();
    }
    let cache = HashCache::new();
    assert!(matches!(
        prove_inclusion(5, 5, &cache),
        Err(LogError::Range { .. })
    ));
    assert!(matches!(
        prove_consistency(6, 5, &cache),
        Err(LogError::Range { .. })
    ));
    assert!(matches!(
        tree_root(u64::MAX, &cache),
        Err(LogError::Range { .. })
    ));
    assert!(matches!(log.root(6), Err(LogError::Range { .. })));
    assert_eq!(prove_consistency(0, 5, &cache).unwrap(), Vec::<Hash>::new());
    assert_eq!(tree_root(0, &cache).unwrap(), EMPTY_HASH);
    // Missing lists exactly what the computation reads, sorted.
    match tree_root(5, &cache) {
        Err(LogError::Missing(indexes)) => assert_eq!(indexes, vec![6, 7]),
        other => panic!("{other:?}"),
    }
}

// Published RFC 6962 vectors: the Certificate Transparency reference tree, as in
// transparency-dev/merkle (testonly/constants.go, proof/verify_test.go).
const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn hexes(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(|h| hex::encode(h.0)).collect()
}

#[test]
fn known_answers() {
    let mut log = MemoryLog::new();
    for (size, input) in LEAVES.iter().enumerate() {
        assert_eq!(hex::encode(log.root(size as u64).unwrap().0), ROOTS[size]);
        log.append_bytes(&hex::decode(input).unwrap()).unwrap();
    }
    assert_eq!(hex::encode(log.root(8).unwrap().0), ROOTS[8]);
    // (index, size, audit path)
    let inclusion: [(u64, u64, &[&str]); 4] = [
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (index, size, want) in inclusion {
        assert_eq!(hexes(&log.prove_inclusion(size, index).unwrap()), want);
    }
    // (old size, new size, proof)
    let consistency: [(u64, u64, &[&str]); 4] = [
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    for (old, new, want) in consistency {
        assert_eq!(hexes(&log.prove_consistency(old, new).unwrap()), want);
    }
}

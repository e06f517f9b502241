//! Fuzzes how every action reads HeyGen's answers on both API generations:
//! each action of the registry runs its example arguments over a port that
//! answers every request with the fuzzed answer (byte 0: status, byte 1:
//! headers, the rest: body). Every run must end in a well-formed card output,
//! never a panic.

#![no_main]
#![allow(clippy::unwrap_used, clippy::panic)]

use heygen_plugin::actions::ALL;
use heygen_plugin::port::Canned;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let answer = common::response(data);
    for generation in ["v3", "legacy"] {
        for entry in ALL {
            let args = serde_json::from_str(entry.example).unwrap();
            let mut port = Canned::new(answer.clone());
            let card = common::card(&common::run(entry, generation, &args, &mut port));
            // An action only v3 has is refused on legacy before sending; a
            // pure one sends nothing, and the answer cannot touch it.
            assert_eq!(
                port.sent.is_empty(),
                (generation == "legacy" && entry.v3_only) || entry.pure
            );
            if entry.pure {
                assert_eq!(card["success"], true);
            } else if answer.status / 100 != 2 {
                assert_eq!(card["success"], false);
            }
        }
    }
});

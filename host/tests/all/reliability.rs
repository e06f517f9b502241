//! The fault and bad-input matrix (see `heygen_host::reliability`): every case
//! ends as a clean `success: false` naming its cause, in bounded time, with
//! no trap, no key leak and no double create, and the instance answers the
//! next call.

use std::time::Duration;

use heygen_host::reliability::{Plugins, WAIT_SECONDS, bad_inputs, faults, run};
use heygen_host::runtime::Runtime;
use heygen_plugin::actions::ALL;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_holds() {
    let plugins = Plugins::load(&Runtime::new().expect("engine")).expect("plugins");
    let figures = run(&plugins).await.expect("matrix");
    println!("{}", figures.table());
    assert!(figures.unexpected.is_empty(), "{:#?}", figures.unexpected);
    // Every case ran: each fault on every action and both generations, each
    // bad input on each of its generations.
    let faults = faults::catalogue().len();
    assert_eq!(figures.faults, faults);
    assert_eq!(figures.fault_cases, faults * ALL.len() * 2);
    let bad_inputs: usize = bad_inputs::catalogue()
        .iter()
        .map(|input| input.generations.len())
        .sum();
    assert_eq!(figures.bad_inputs, bad_inputs);
    // The eight creates that take an idempotency_key, each repeated with it
    // after each of three lost answers, on both generations.
    assert_eq!(figures.key_repeats, 8 * 3 * 2);
    assert_eq!(figures.traps, 0);
    assert_eq!(figures.key_leaks, 0);
    assert_eq!(figures.double_creates, 0);
    assert_eq!(figures.bad_input_requests, 0);
    assert!(
        figures.longest_failure.0 < Duration::from_secs(10),
        "{:?}",
        figures.longest_failure
    );
    // A wait never runs past its own timeout_seconds (and the host's grace).
    assert!(
        figures.longest_wait.0 < Duration::from_secs(WAIT_SECONDS + 2),
        "{:?}",
        figures.longest_wait
    );
}

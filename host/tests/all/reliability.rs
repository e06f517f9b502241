//! The fault and bad-input matrix (see `heygen_host::reliability`): every case
//! ends as a clean `success: false` naming its cause, in bounded time, with
//! no trap, no key leak and no double create, and the instance answers the
//! next call.

use std::time::Duration;

use heygen_host::reliability::{Plugins, run};
use heygen_host::runtime::Runtime;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_holds() {
    let plugins = Plugins::load(&Runtime::new().expect("engine")).expect("plugins");
    let figures = run(&plugins).await.expect("matrix");
    println!("{}", figures.table());
    assert!(figures.unexpected.is_empty(), "{:#?}", figures.unexpected);
    assert!(
        figures.fault_cases >= 600,
        "{} fault cases",
        figures.fault_cases
    );
    assert!(
        figures.bad_inputs >= 100,
        "{} bad inputs",
        figures.bad_inputs
    );
    assert_eq!(figures.traps, 0);
    assert_eq!(figures.key_leaks, 0);
    assert_eq!(figures.double_creates, 0);
    assert_eq!(figures.bad_input_requests, 0);
    assert!(
        figures.longest_failure.0 < Duration::from_secs(10),
        "{:?}",
        figures.longest_failure
    );
}

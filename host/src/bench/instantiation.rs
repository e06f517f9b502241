//! Section 3: a fresh instance, with the default and the pooling allocator.

use anyhow::Result;

use super::Setup;
use super::stats::{Table, time_async};

/// Section 3.
pub(super) async fn run(table: &mut Table, setup: &Setup) -> Result<()> {
    table.section(
        "3. Instantiation (`Store::new` + `InstancePre::instantiate`, WASI context included)",
    );
    let default_alloc = time_async(2000 / setup.scale, || async {
        setup.plugin.session(&setup.settings).await.map(drop)
    })
    .await?;
    let pooled_alloc = time_async(2000 / setup.scale, || async {
        setup.pooled.session(&setup.settings).await.map(drop)
    })
    .await?;
    table.row(
        "fresh instance, default (on-demand) allocator",
        &default_alloc,
    );
    table.row("fresh instance, pooling allocator", &pooled_alloc);
    Ok(())
}

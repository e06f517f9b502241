//! Caller-key repeats: every create is called with an `idempotency_key`,
//! HeyGen acts and the answer is lost, and the caller makes the same call
//! again (as an agent, a gateway or a retrying client would). On v3 the
//! repeat must give the first answer's id and nothing new may be made; on
//! legacy (no `Idempotency-Key` there) both calls are refused and nothing is
//! sent.

use anyhow::Result;
use serde_json::json;

use super::judge::{Figures, judge};
use super::{Plugins, env, valid_args};
use crate::runtime::Settings;
use crate::sim::{Fault, FaultKind, Simulator};

/// The ways the first answer is lost after HeyGen acted.
pub(super) fn losses() -> [(&'static str, FaultKind); 3] {
    [
        ("the connection closes", FaultKind::ProcessThenClose),
        (
            "the answer stalls past the budget",
            FaultKind::ProcessThenStall,
        ),
        ("a 200 with an HTML page", FaultKind::ProcessThenGarble),
    ]
}

/// The creates that take a caller's `idempotency_key` (every create but
/// `send_video_agent_message`, whose repeat is a second message).
pub const KEYED_CREATES: [&str; 8] = [
    "create_talking_photo",
    "create_talking_photo_from_image",
    "create_video_from_template",
    "create_video_from_prompt",
    "translate_video",
    "create_lipsync",
    "create_webhook_endpoint",
    "create_photo_avatar",
];

/// Runs one create with a caller key on `generation`, loses its first answer
/// with `loss`, and repeats it.
pub(super) async fn repeat_case(
    plugins: Plugins,
    action: &'static str,
    (loss_name, loss): (&'static str, FaultKind),
    generation: &'static str,
) -> Result<Figures> {
    let mut figures = Figures {
        key_repeats: 1,
        ..Figures::default()
    };
    let case =
        format!("{generation} {action} with an idempotency_key / {loss_name}, then repeated");
    let sim = Simulator::start(0, &[super::CANARY_KEY])?;
    let settings = Settings::new(env(sim.url(), generation));
    let mut session = plugins.normal.session(&settings).await?;
    let mut args = valid_args(action);
    args["idempotency_key"] = json!(format!("rel-{action}-{generation}-1"));
    sim.push_fault(Fault::once(loss));
    let first = session.call(action, &args).await;
    let again = session.call(action, &args).await;
    if generation == "legacy" {
        judge(&mut figures, &case, &session, &first, Some("unsupported"));
        judge(
            &mut figures,
            &format!("{case} (repeat)"),
            &session,
            &again,
            Some("unsupported"),
        );
        if !sim.requests().is_empty() {
            figures
                .unexpected
                .push(format!("{case}: a request was sent"));
        }
        return Ok(figures);
    }
    judge(
        &mut figures,
        &format!("{case} (repeat)"),
        &session,
        &again,
        None,
    );
    // The first call either got the replay itself (a create HeyGen documents
    // as replayed is retried) or failed saying the key makes a repeat safe.
    match &first {
        Ok(output) if output["success"] == json!(true) => {
            // The replay is the first answer: the same id (and, for a
            // webhook endpoint, the same secret).
            if let Ok(repeat) = &again
                && output != repeat
            {
                figures.unexpected.push(format!(
                    "{case}: the repeat answered {repeat}, first {output}"
                ));
            }
        }
        Ok(output) => {
            let error = output["error"].as_str().unwrap_or_default();
            if !error.contains(&format!("rel-{action}-{generation}-1")) {
                figures.unexpected.push(format!(
                    "{case}: the error does not give the key to repeat with: {error}"
                ));
            }
        }
        Err(e) => figures.unexpected.push(format!("{case}: {e:?}")),
    }
    if sim.created() != 1 {
        figures.double_creates += usize::from(sim.created() > 1);
        figures
            .unexpected
            .push(format!("{case}: {} creates, not 1", sim.created()));
    }
    figures.processed_creates += 1;
    Ok(figures)
}

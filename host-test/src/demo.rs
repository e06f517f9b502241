//! The main job: start the simulator, load the plugin, and run all five
//! actions on both API generations, creating videos and polling them to
//! completion, printing a transcript of every call.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde_json::{Value, json};

use crate::runtime::{Plugin, Session, Settings};
use crate::sim::{DEFAULT_KEY, Simulator};

/// Time between two status polls (the simulator advances one step per poll;
/// against the real API, poll every 10 to 30 seconds).
const POLL_EVERY: Duration = Duration::from_millis(250);

/// Runs the demo, writing the transcript to `out`. Fails if any step does not
/// give the expected outcome.
pub async fn run(plugin: &Plugin, out: &mut impl Write) -> Result<()> {
    let started = Instant::now();
    let sim = Simulator::start(0, &[DEFAULT_KEY])?;
    writeln!(
        out,
        "HeyGen simulator on {} (a real HTTP server on loopback)\n",
        sim.url()
    )?;
    for generation in ["v3", "legacy"] {
        writeln!(out, "=== HEYGEN_API_VERSION={generation} ===")?;
        let settings = Settings::new(vec![
            ("HEYGEN_API_KEY".into(), DEFAULT_KEY.into()),
            ("HEYGEN_BASE_URL".into(), sim.url().into()),
            ("HEYGEN_API_VERSION".into(), generation.into()),
        ]);
        // One instance runs every action of this generation.
        let mut session = plugin.session(&settings).await?;
        let voices = step(&mut session, out, "list_voice_id_options", json!({})).await?;
        let voice = voices["voices"][0]["voice_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        step(&mut session, out, "list_custom_events_options", json!({})).await?;

        let mut photo = json!({
            "talking_photo_id": "tp_anna_office",
            "input_text": "Hello! This video was made by a WebAssembly plugin.",
            "voice_id": voice,
            "caption": true,
            "talking_style": "expressive",
        });
        if generation == "legacy" {
            photo["test"] = json!(true);
            photo["scale"] = json!(1.2);
            photo["talking_photo_style"] = json!("circle");
        }
        let created = step(&mut session, out, "create_talking_photo", photo).await?;
        poll(
            &mut session,
            out,
            created["video_id"].as_str().unwrap_or_default(),
        )
        .await?;

        let template = json!({
            "template_id": "tpl_welcome",
            "test": generation == "legacy",
            "variables": {
                "headline": {"name": "headline", "type": "text", "properties": {"content": "Welcome aboard"}},
                "backdrop": {"name": "backdrop", "type": "image", "properties": {"url": "https://example.com/office.jpg", "fit": "cover"}},
            },
        });
        let created = step(&mut session, out, "create_video_from_template", template).await?;
        poll(
            &mut session,
            out,
            created["video_id"].as_str().unwrap_or_default(),
        )
        .await?;

        if generation == "v3" {
            writeln!(
                out,
                "# v3 has no test mode: the plugin refuses it before sending anything"
            )?;
            let refused = call(&mut session, out, "create_talking_photo", json!({
                "talking_photo_id": "tp_anna_office", "input_text": "Hi", "voice_id": voice, "test": true,
            }))
            .await?;
            if refused["success"] != json!(false) {
                bail!("test mode on v3 was not refused");
            }
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Done: 5 actions x 2 API generations, {} requests to the simulator, {} videos rendered, in {:.1} s.",
        sim.requests().len(),
        sim.videos_created(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// Calls `action` and prints the exchange.
async fn call(
    session: &mut Session,
    out: &mut impl Write,
    action: &str,
    args: Value,
) -> Result<Value> {
    writeln!(out, "> {action} {args}")?;
    let output = session
        .call(action, &args)
        .await
        .map_err(|e| anyhow::anyhow!("{action}: {e}"))?;
    writeln!(out, "< {}", abridged(&output))?;
    Ok(output)
}

/// Calls `action`, which must succeed.
async fn step(
    session: &mut Session,
    out: &mut impl Write,
    action: &str,
    args: Value,
) -> Result<Value> {
    let output = call(session, out, action, args).await?;
    if output["success"] != json!(true) {
        bail!("{action} failed: {}", output["error"]);
    }
    Ok(output)
}

/// Polls `retrieve_video_link` until the video is completed or failed.
async fn poll(session: &mut Session, out: &mut impl Write, video_id: &str) -> Result<Value> {
    for _ in 0..20 {
        let output = session
            .call("retrieve_video_link", &json!({ "video_id": video_id }))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let status = output["status"].as_str().unwrap_or("?").to_owned();
        match status.as_str() {
            "completed" | "failed" => {
                writeln!(out, "> retrieve_video_link {{\"video_id\":\"{video_id}\"}}")?;
                writeln!(out, "< {}", abridged(&output))?;
                return Ok(output);
            }
            _ => writeln!(out, "  ... {status}")?,
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
    bail!("video {video_id} did not finish")
}

/// Pretty JSON with long lists cut to their first three items.
fn abridged(output: &Value) -> String {
    let mut shown = output.clone();
    if let Some(object) = shown.as_object_mut() {
        for list in object.values_mut() {
            if let Some(items) = list.as_array_mut().filter(|items| items.len() > 3) {
                let total = items.len();
                items.truncate(3);
                items.push(json!(format!("... {} more ({total} in all)", total - 3)));
            }
        }
    }
    serde_json::to_string_pretty(&shown).unwrap_or_default()
}

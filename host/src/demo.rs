//! The main job: start the simulator, load the plugin, and tell an agent's
//! whole story on HeyGen v3 (credits, an avatar look and a voice, a talking
//! photo with a `callback_id` waited on to the end, a template filled from its
//! own variables, a webhook endpoint and a signed delivery verified, a
//! talking video straight from a photo, an uploaded photo made a photo avatar
//! that speaks, a voice heard first, three renders checked at once, a
//! rotated webhook secret, listing and deleting), then the
//! card's five actions on the legacy API. An action the story does not call
//! yet runs with its registry example. Every call and answer is printed.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::runtime::{Plugin, Session, Settings};
use crate::sim::{DEFAULT_KEY, Simulator};

/// Time between two status polls on legacy (the simulator advances one step
/// per poll; against the real API, poll every 10 to 30 seconds).
const POLL_EVERY: Duration = Duration::from_millis(100);

/// Where the demo's webhook endpoint points (the simulator records what it
/// would send there).
const HOOK_URL: &str = "https://hooks.example.com/heygen";

/// Runs the demo, writing the transcript to `out`. Fails if any step does not
/// give the expected outcome.
pub async fn run(plugin: &Plugin, out: &mut impl Write) -> Result<()> {
    let started = Instant::now();
    let sim = Simulator::start(0, &[DEFAULT_KEY])?;
    // Renders finish in two status answers, so each wait takes about 2 s.
    sim.set_quick_renders(true);
    writeln!(
        out,
        "HeyGen simulator on {} (a real HTTP server on loopback)\n",
        sim.url()
    )?;
    let mut demo = Demo {
        out,
        called: BTreeSet::new(),
    };
    demo.v3_story(plugin, &sim).await?;
    demo.the_rest(plugin, &sim).await?;
    demo.legacy_card(plugin, &sim).await?;
    let Demo { out, called } = demo;
    writeln!(
        out,
        "Done: {} of {} actions on HeyGen v3 and the card's five on legacy, {} requests to the simulator, {} creating requests acted on, in {:.1} s.",
        called.len(),
        heygen_plugin::actions::ALL.len(),
        sim.requests().len(),
        sim.created(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// The transcript and the actions called so far.
struct Demo<'a, W: Write> {
    out: &'a mut W,
    called: BTreeSet<String>,
}

impl<W: Write> Demo<'_, W> {
    /// An agent's whole job on v3.
    async fn v3_story(&mut self, plugin: &Plugin, sim: &Simulator) -> Result<()> {
        writeln!(self.out, "=== HEYGEN_API_VERSION=v3 ===")?;
        let mut session = plugin.session(&settings(sim, "v3")).await?;
        let s = &mut session;

        self.note("Is there credit left?")?;
        self.step(s, "get_remaining_credits", json!({})).await?;

        self.note("Find a photo avatar look and a voice")?;
        let looks = self
            .step(s, "list_avatars", json!({"avatar_type": "photo_avatar"}))
            .await?;
        let look = text(&looks["avatars"][0]["avatar_id"], "a photo avatar look")?;
        let voices = self.step(s, "list_voice_id_options", json!({})).await?;
        let voice = text(&voices["voices"][0]["voice_id"], "a voice")?;

        self.note(
            "Register a webhook endpoint for finished renders (its secret is shown only now)",
        )?;
        self.step(s, "list_custom_events_options", json!({}))
            .await?;
        let endpoint = self
            .step(
                s,
                "create_webhook_endpoint",
                json!({"url": HOOK_URL, "events": ["avatar_video.success", "avatar_video.fail"]}),
            )
            .await?;
        let secret = text(&endpoint["secret"], "the endpoint's secret")?;
        let endpoint_id = text(&endpoint["endpoint_id"], "the endpoint's id")?;

        self.note("A talking photo, tagged with a callback_id, waited on inside one call")?;
        let photo_args = json!({
            "talking_photo_id": look, "voice_id": voice, "caption": true, "talking_style": "expressive",
            "input_text": "Hello! This video was made by a WebAssembly plugin.",
            "title": "Plugin demo", "callback_id": "demo-job-1", "idempotency_key": "demo-photo-1",
        });
        let created = self
            .step(s, "create_talking_photo", photo_args.clone())
            .await?;
        let video_id = text(&created["video_id"], "the new video's id")?;

        self.note("The same create again with the same idempotency_key (as after a lost answer): the same video, nothing new made or billed")?;
        let made = sim.created();
        let again = self.step(s, "create_talking_photo", photo_args).await?;
        if again["video_id"] != created["video_id"] || sim.created() != made {
            bail!("a repeated create made something new: {again}");
        }
        self.wait(s, &video_id).await?;

        self.note("HeyGen signed a delivery to the endpoint: check it, then a tampered copy")?;
        let delivery = sim
            .deliveries()
            .into_iter()
            .find(|d| d.endpoint_id == endpoint_id && d.body.contains(&video_id))
            .context("the simulator made no delivery for the finished video")?;
        let mut args = json!({
            "payload": delivery.body, "signature": delivery.signature, "secret": secret,
            "timestamp": delivery.timestamp.to_string(), "event_id": delivery.event_id,
        });
        let verified = self.step(s, "verify_webhook", args.clone()).await?;
        if verified["valid"] != json!(true) || verified["callback_id"] != json!("demo-job-1") {
            bail!("the genuine delivery did not verify: {verified}");
        }
        args["payload"] = json!(delivery.body.replace("demo-job-1", "demo-job-2"));
        let tampered = self.step(s, "verify_webhook", args).await?;
        if tampered["valid"] != json!(false) {
            bail!("a tampered delivery verified: {tampered}");
        }

        self.jobs(s).await?;
        self.media(s, sim, &voice, (&endpoint_id, &secret), &video_id)
            .await?;

        self.note("A template: read its variables, change one, render it, wait")?;
        let templates = self.step(s, "list_templates", json!({})).await?;
        let template_id = text(&templates["templates"][0]["template_id"], "a template")?;
        let template = self
            .step(s, "get_template", json!({"template_id": template_id}))
            .await?;
        let mut variables: Value = serde_json::from_str(
            template["variables_json"]
                .as_str()
                .context("no variables_json")?,
        )?;
        let name = template["variables"]
            .as_array()
            .and_then(|vars| vars.iter().find(|v| v["type"] == "text"))
            .and_then(|v| v["name"].as_str())
            .context("the template has no text variable")?
            .to_owned();
        variables[&name]["content"] = json!("Welcome aboard, from an agent");
        let created = self
            .step(
                s,
                "create_video_from_template",
                json!({
                    "template_id": template_id, "variables": variables, "title": "Welcome",
                }),
            )
            .await?;
        self.wait(s, &text(&created["video_id"], "the new video's id")?)
            .await?;

        self.note("A talking video straight from a photo URL")?;
        let from_photo = self
            .step(s, "create_talking_photo_from_image", json!({
                "image_url": "https://images.example.com/portrait.jpg", "voice_id": voice,
                "input_text": "No avatar needed: just a photo.", "motion_prompt": "nods, warm smile",
            }))
            .await?;
        let photo_video = text(&from_photo["video_id"], "the new video's id")?;

        self.note("List the account's videos and delete one; list and delete the endpoint")?;
        self.step(s, "list_videos", json!({"limit": 5})).await?;
        self.step(s, "delete_video", json!({"video_id": photo_video}))
            .await?;
        self.step(s, "list_webhook_endpoints", json!({})).await?;
        self.step(
            s,
            "delete_webhook_endpoint",
            json!({"endpoint_id": endpoint_id}),
        )
        .await?;

        self.note("v3 has no test mode: the plugin refuses it before sending anything")?;
        let refused = self
            .call(
                s,
                "create_talking_photo",
                json!({
                    "talking_photo_id": look, "input_text": "Hi", "voice_id": voice, "test": true,
                }),
            )
            .await?;
        if refused["success"] != json!(false) {
            bail!("test mode on v3 was not refused");
        }
        writeln!(self.out)?;
        Ok(())
    }

    /// HeyGen's agent jobs: a prompt becomes a video, which is translated
    /// into two languages and lip-synced to new audio, each waited for.
    async fn jobs(&mut self, s: &mut Session) -> Result<()> {
        self.note("A prompt becomes a video: Video Agent writes, casts and renders it")?;
        self.step(s, "list_video_agent_styles", json!({"tag": "business"}))
            .await?;
        let session = self
            .step(s, "create_video_from_prompt", json!({
                "prompt": "A 30-second welcome video for new customers of a bakery, warm and upbeat.",
                "style_id": "style_warm", "orientation": "landscape", "idempotency_key": "demo-prompt-1",
            }))
            .await?;
        let session_id = text(&session["session_id"], "the session's id")?;
        let agent = self
            .step(
                s,
                "wait_for_video_agent",
                json!({"session_id": session_id, "timeout_seconds": 30}),
            )
            .await?;
        if agent["status"] != json!("completed") {
            bail!("the agent session did not complete: {agent}");
        }
        let video = self
            .wait(s, &text(&agent["video_id"], "the agent's video")?)
            .await?;
        let video_url = text(&video["video_url"], "the video's link")?;

        self.note("Translate it into two languages, and lip-sync it to a recorded voice-over, at once; then wait for each")?;
        self.step(s, "list_translation_languages", json!({}))
            .await?;
        let translations = self
            .step(s, "translate_video", json!({
                "video_url": video_url, "output_languages": ["Spanish", "German"], "enable_caption": true,
                "idempotency_key": "demo-translate-1",
            }))
            .await?;
        let lipsync = self
            .step(s, "create_lipsync", json!({
                "video_url": video_url, "audio_asset_id": "asset_audio_0001", "title": "Voice-over",
            }))
            .await?;
        for id in translations["video_translation_ids"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let done = self
                .step(
                    s,
                    "wait_for_translation",
                    json!({"video_translation_id": id, "timeout_seconds": 30}),
                )
                .await?;
            if done["status"] != json!("completed") {
                bail!("translation {id} did not complete: {done}");
            }
        }
        let lipsync_id = text(&lipsync["lipsync_id"], "the lipsync's id")?;
        let done = self
            .step(
                s,
                "wait_for_lipsync",
                json!({"lipsync_id": lipsync_id, "timeout_seconds": 30}),
            )
            .await?;
        if done["status"] != json!("completed") {
            bail!("lipsync {lipsync_id} did not complete: {done}");
        }
        Ok(())
    }

    /// Uploads, photo avatars, speech, bulk statuses and the rest of a webhook
    /// endpoint's life: a photo is uploaded, becomes a photo avatar that
    /// speaks; a voice is heard before use; three renders are checked at
    /// once; the endpoint's secret is rotated, and a delivery verifies with
    /// the new secret and not with the old.
    async fn media(
        &mut self,
        s: &mut Session,
        sim: &Simulator,
        voice: &str,
        (endpoint_id, old_secret): (&str, &str),
        first_video: &str,
    ) -> Result<()> {
        use base64::Engine;
        let photo = base64::engine::general_purpose::STANDARD.encode(demo_png());

        self.note("Hear the voice before spending a render on it")?;
        self.step(s, "get_voice", json!({"voice_id": voice}))
            .await?;
        self.step(
            s,
            "generate_speech",
            json!({"text": "Hi, this is how I sound.", "voice_id": voice}),
        )
        .await?;

        self.note("Upload a photo, make a photo avatar of it, and wait until it is ready")?;
        let asset = self
            .step(
                s,
                "upload_asset",
                json!({"file_name": "founder.png", "content_base64": photo}),
            )
            .await?;
        let asset_id = text(&asset["asset_id"], "the asset's id")?;
        let avatar = self
            .step(s, "create_photo_avatar", json!({"name": "Founder", "image_asset_id": asset_id, "idempotency_key": "demo-avatar-1"}))
            .await?;
        let avatar_id = text(&avatar["avatar_id"], "the avatar's look id")?;
        let ready = self
            .step(
                s,
                "wait_for_avatar",
                json!({"avatar_id": avatar_id, "timeout_seconds": 30}),
            )
            .await?;
        if ready["status"] != json!("completed") {
            bail!("the photo avatar did not complete: {ready}");
        }
        self.step(s, "get_avatar_look", json!({"avatar_id": avatar_id}))
            .await?;

        self.note(
            "Change the endpoint to finished renders only, and rotate its secret (shown only now)",
        )?;
        self.step(
            s,
            "update_webhook_endpoint",
            json!({"endpoint_id": endpoint_id, "events": ["avatar_video.success"]}),
        )
        .await?;
        let rotated = self
            .step(
                s,
                "rotate_webhook_secret",
                json!({"endpoint_id": endpoint_id}),
            )
            .await?;
        let new_secret = text(&rotated["secret"], "the new secret")?;

        self.note("The photo avatar speaks (Avatar IV, 1080p); a second video straight from the same photo as base64")?;
        let spoken = self
            .step(s, "create_talking_photo", json!({
                "talking_photo_id": avatar_id, "voice_id": voice, "engine": "avatar_iv", "resolution": "1080p",
                "input_text": "I started this company with one photo.", "callback_id": "demo-avatar-video",
            }))
            .await?;
        let spoken_id = text(&spoken["video_id"], "the new video's id")?;
        let from_bytes = self
            .step(
                s,
                "create_talking_photo_from_image",
                json!({
                    "image_base64": photo, "image_media_type": "png", "voice_id": voice,
                    "input_text": "And this one needed no upload at all.", "aspect_ratio": "9:16",
                }),
            )
            .await?;
        let bytes_id = text(&from_bytes["video_id"], "the new video's id")?;

        self.note("Check three renders at once, in one request")?;
        let ids = [first_video, spoken_id.as_str(), bytes_id.as_str()];
        let statuses = self
            .step(s, "get_video_statuses", json!({"video_ids": ids}))
            .await?;
        if statuses["videos"].as_array().map(Vec::len) != Some(3) {
            bail!("not three statuses: {statuses}");
        }
        self.wait(s, &spoken_id).await?;

        self.note("The finished render's delivery is signed with the new secret: it verifies with it, and not with the old one")?;
        let delivery = sim
            .deliveries()
            .into_iter()
            .find(|d| d.endpoint_id == endpoint_id && d.body.contains(&spoken_id))
            .context("the simulator made no delivery for the avatar's video")?;
        for (secret, valid) in [(new_secret.as_str(), true), (old_secret, false)] {
            let verified = self
                .step(s, "verify_webhook", json!({"payload": delivery.body, "signature": delivery.signature, "secret": secret}))
                .await?;
            if verified["valid"] != json!(valid) {
                bail!(
                    "the delivery's check with the {} secret gave {verified}",
                    if valid { "new" } else { "old" }
                );
            }
        }
        self.step(
            s,
            "list_webhook_events",
            json!({"event_type": "avatar_video.success", "limit": 5}),
        )
        .await?;
        Ok(())
    }

    /// Every action the story did not call, with its registry example on v3
    /// (so a new action is in the demo before it has a place in the story).
    async fn the_rest(&mut self, plugin: &Plugin, sim: &Simulator) -> Result<()> {
        let rest: Vec<_> = heygen_plugin::actions::ALL
            .iter()
            .filter(|e| !self.called.contains(e.name))
            .collect();
        if rest.is_empty() {
            return Ok(());
        }
        writeln!(
            self.out,
            "=== The rest of the registry (v3, each action's example) ==="
        )?;
        let mut session = plugin.session(&settings(sim, "v3")).await?;
        for entry in rest {
            self.step(&mut session, entry.name, entry.example_args())
                .await?;
        }
        writeln!(self.out)?;
        Ok(())
    }

    /// The card's five actions on the legacy API, in test mode.
    async fn legacy_card(&mut self, plugin: &Plugin, sim: &Simulator) -> Result<()> {
        writeln!(self.out, "=== HEYGEN_API_VERSION=legacy ===")?;
        let mut session = plugin.session(&settings(sim, "legacy")).await?;
        let s = &mut session;
        let voices = self.step(s, "list_voice_id_options", json!({})).await?;
        let voice = text(&voices["voices"][0]["voice_id"], "a voice")?;
        self.step(s, "list_custom_events_options", json!({}))
            .await?;
        let created = self
            .step(s, "create_talking_photo", json!({
                "talking_photo_id": "tp_anna_office", "voice_id": voice, "test": true, "scale": 1.2,
                "talking_photo_style": "circle", "caption": true, "talking_style": "expressive",
                "input_text": "Hello! This video was made by a WebAssembly plugin.",
            }))
            .await?;
        self.poll(s, &text(&created["video_id"], "the new video's id")?)
            .await?;
        let created = self
            .step(s, "create_video_from_template", json!({
                "template_id": "tpl_welcome", "test": true,
                "variables": {
                    "headline": {"name": "headline", "type": "text", "properties": {"content": "Welcome aboard"}},
                    "backdrop": {"name": "backdrop", "type": "image", "properties": {"url": "https://example.com/office.jpg", "fit": "cover"}},
                },
            }))
            .await?;
        self.poll(s, &text(&created["video_id"], "the new video's id")?)
            .await?;
        writeln!(self.out)?;
        Ok(())
    }

    /// A comment line in the transcript.
    fn note(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "# {text}")?;
        Ok(())
    }

    /// Calls `action` and prints the exchange.
    async fn call(&mut self, session: &mut Session, action: &str, args: Value) -> Result<Value> {
        writeln!(self.out, "> {action} {}", redacted(&args))?;
        self.out.flush()?;
        let output = session
            .call(action, &args)
            .await
            .map_err(|e| anyhow::anyhow!("{action}: {e}"))?;
        writeln!(self.out, "< {}", abridged(&output))?;
        self.called.insert(action.to_owned());
        Ok(output)
    }

    /// Calls `action`, which must succeed.
    async fn step(&mut self, session: &mut Session, action: &str, args: Value) -> Result<Value> {
        let output = self.call(session, action, args).await?;
        if output["success"] != json!(true) {
            bail!("{action} failed: {}", output["error"]);
        }
        Ok(output)
    }

    /// `wait_for_video` until the render ends; it must complete.
    async fn wait(&mut self, session: &mut Session, video_id: &str) -> Result<Value> {
        let output = self
            .step(
                session,
                "wait_for_video",
                json!({"video_id": video_id, "timeout_seconds": 30}),
            )
            .await?;
        if output["status"] != json!("completed") || output["video_url"].is_null() {
            bail!("video {video_id} did not complete: {output}");
        }
        Ok(output)
    }

    /// Polls `retrieve_video_link` until the video is completed or failed.
    async fn poll(&mut self, session: &mut Session, video_id: &str) -> Result<Value> {
        for _ in 0..20 {
            let output = session
                .call("retrieve_video_link", &json!({ "video_id": video_id }))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let status = output["status"].as_str().unwrap_or("?").to_owned();
            match status.as_str() {
                "completed" | "failed" => {
                    writeln!(
                        self.out,
                        "> retrieve_video_link {{\"video_id\":\"{video_id}\"}}"
                    )?;
                    writeln!(self.out, "< {}", abridged(&output))?;
                    self.called.insert("retrieve_video_link".into());
                    return Ok(output);
                }
                _ => writeln!(self.out, "  ... {status}")?,
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
        bail!("video {video_id} did not finish")
    }
}

/// The plugin's environment for `generation` against the simulator.
fn settings(sim: &Simulator, generation: &str) -> Settings {
    Settings::new(vec![
        ("HEYGEN_API_KEY".into(), DEFAULT_KEY.into()),
        ("HEYGEN_BASE_URL".into(), sim.url().into()),
        ("HEYGEN_API_VERSION".into(), generation.into()),
    ])
}

/// A string an answer must carry.
/// A small PNG for the upload story: the PNG signature and an IHDR chunk,
/// then filler (the simulator checks the signature, as HeyGen checks the file).
fn demo_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    png.resize(256, 0);
    png
}

fn text(value: &Value, what: &str) -> Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {what} in the answer"))
}

/// `value` with a top-level `secret` masked: the transcript is for reading
/// and sharing, and a webhook secret is a credential.
fn redacted(value: &Value) -> Value {
    let mut shown = value.clone();
    if let Some(secret) = shown.get_mut("secret").filter(|s| s.is_string()) {
        *secret = json!("whsec_… (redacted in this transcript)");
    }
    shown
}

/// Pretty JSON with long lists cut to their first three items (and a
/// `secret` masked).
fn abridged(output: &Value) -> String {
    let mut shown = redacted(output);
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

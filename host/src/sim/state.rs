//! The simulator's state: the account (videos, webhook endpoints, voices,
//! billing), the request log, queued faults and `Idempotency-Key` replays.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::Value;

use super::data::{self, Video, unix_now};
use super::deliveries;
use super::faults::Fault;
use super::jobs::{Job, Session};
use super::request::Recorded;

/// A replayable answer kept for an `Idempotency-Key`.
#[derive(Clone, Debug)]
pub(crate) struct Replay {
    pub(crate) fingerprint: String,
    pub(crate) status: u16,
    pub(crate) body: Value,
}

/// The simulator's state.
#[derive(Default)]
pub struct State {
    pub(crate) keys: Vec<String>,
    pub(crate) log: Vec<Recorded>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) videos: BTreeMap<String, Video>,
    pub(crate) replays: HashMap<String, Replay>,
    pub(crate) next_id: u64,
    pub(crate) next_request: u64,
    pub(crate) voices: usize,
    /// How many requests made something new (a v3 replay makes nothing).
    pub(crate) created: usize,
    pub(crate) billing: data::Billing,
    pub(crate) endpoints: BTreeMap<String, data::Endpoint>,
    pub(crate) next_endpoint: u64,
    pub(crate) deliveries: Vec<data::Delivery>,
    pub(crate) next_event: u64,
    pub(crate) quick_renders: bool,
    /// Requests the plugin sent and answers the simulator gave that do not
    /// fit HeyGen's v3 contract (see [`super::contract`]).
    pub(crate) contract_violations: Vec<String>,
    /// Video Agent sessions, by id.
    pub(crate) sessions: BTreeMap<String, Session>,
    /// Video translations, by id.
    pub(crate) translations: BTreeMap<String, Job>,
    /// Lipsyncs, by id.
    pub(crate) lipsyncs: BTreeMap<String, Job>,
    /// The last job number handed out.
    pub(crate) next_job: u64,
    /// Uploaded assets, by id.
    pub(crate) assets: BTreeMap<String, data::Asset>,
    /// Photo avatars made here, by look id.
    pub(crate) looks: BTreeMap<String, Job>,
}

impl State {
    /// Whether `req` carries an accepted `X-Api-Key`.
    pub(crate) fn authorizes(&self, req: &Recorded) -> bool {
        req.header("x-api-key")
            .is_some_and(|key| self.keys.iter().any(|k| k == key))
    }

    /// Records a new video and returns its id. (What counts as a create is
    /// the request that made it: see [`State::created`].)
    pub(crate) fn insert_video(&mut self, mut video: Video) -> String {
        self.next_id += 1;
        video.id = format!(
            "{:032x}",
            0x5eed_cafe_0000_0000_0000_0000_u128 + u128::from(self.next_id)
        );
        video.created_at = unix_now();
        if self.quick_renders {
            // Already rendering: the first status answer says `processing`.
            video.polls = video.polls.max(1);
        }
        let id = video.id.clone();
        self.videos.insert(id.clone(), video);
        id
    }

    /// A new job's id, `{prefix}{16 hex digits}`.
    pub(crate) fn new_job_id(&mut self, prefix: &str) -> String {
        self.next_job += 1;
        format!("{prefix}{:016x}", 0x5eed_0000_0000_u64 + self.next_job)
    }

    /// Whether `id` is an image asset: the catalogue's portrait, or an
    /// uploaded PNG or JPEG.
    pub(crate) fn is_image_asset(&self, id: &str) -> bool {
        id == data::IMAGE_ASSET_ID
            || self
                .assets
                .get(id)
                .is_some_and(|a| a.mime_type.starts_with("image/"))
    }

    /// The video `id`, one status step further along.
    pub(crate) fn poll_video(&mut self, id: &str) -> Option<Video> {
        let video = self.videos.get_mut(id).filter(|v| !v.deleted)?;
        let snapshot = video.clone();
        video.polls += 1;
        // The first answer that reports the end is when HeyGen would notify.
        if snapshot.polls == 2 {
            let deliveries =
                deliveries::of_video(&snapshot, self.endpoints.values(), &mut self.next_event);
            self.deliveries.extend(deliveries);
        }
        Some(snapshot)
    }
}

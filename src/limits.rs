// Shared with `build.rs` (through `include!`), which copies these limits into
// the JSON Schemas of the tool manifest, so the schemas and the checks agree.

/// Longest id (talking photo, voice, template, video) accepted, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest script accepted on the legacy API (HeyGen's own limit there).
pub const MAX_SCRIPT_CHARS_LEGACY: usize = 2_000;
/// Longest script accepted on v3 (a sanity bound; HeyGen checks its own).
pub const MAX_SCRIPT_CHARS_V3: usize = 20_000;
/// Smallest talking-photo `scale`.
pub const MIN_SCALE: f64 = 0.0;
/// Largest talking-photo `scale`.
pub const MAX_SCALE: f64 = 2.0;
/// Longest `variables` JSON text accepted, in bytes.
pub const MAX_VARIABLES_BYTES: usize = 256 * 1024;

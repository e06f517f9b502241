//! The pure parts of the faces: the HTTP face's router and the tool manifest.
//! (The plugin's WIT export glue is the `faces/plugin` crate; the `wasi`
//! byte moving of the HTTP face is [`crate::wasi::server`].)

pub mod http;
pub mod manifest;

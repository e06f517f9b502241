//! Local files for MCP users (`heygen-host mcp --upload-dir DIR`): a tool
//! whose input takes `content_base64` also takes a `path` inside DIR, which
//! the host reads and hands to the plugin as base64. The component itself
//! never gets filesystem access.
//!
//! A path is read only when it is relative, has no `..`, resolves (symlinks
//! followed) inside DIR, and names a regular file of at most
//! [`MAX_FILE_BYTES`]; anything else is refused before a byte is read.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use base64::Engine;
use heygen_plugin::limits::MAX_FILE_BYTES;
use serde_json::{Map, Value};

/// The argument that names a file in the upload directory.
pub const PATH_ARG: &str = "path";
/// The argument the file's bytes go into.
pub const CONTENT_ARG: &str = "content_base64";

/// The directory files may be read from, resolved once at start.
#[derive(Clone, Debug)]
pub struct UploadDir {
    root: PathBuf,
}

impl UploadDir {
    /// `dir`, which must exist and be a directory.
    pub fn new(dir: &Path) -> anyhow::Result<UploadDir> {
        let root = dir
            .canonicalize()
            .map_err(|e| anyhow::anyhow!("--upload-dir {}: {e}", dir.display()))?;
        anyhow::ensure!(
            root.is_dir(),
            "--upload-dir {}: not a directory",
            dir.display()
        );
        Ok(UploadDir { root })
    }

    /// The bytes of `path` (relative to the directory), or why they are not read.
    pub fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let relative = Path::new(path);
        if path.is_empty() || relative.is_absolute() || path.starts_with(['/', '\\']) {
            return Err(format!(
                "path `{path}` must be relative to the upload directory"
            ));
        }
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!(
                "path `{path}` must not contain `..` or a drive or root"
            ));
        }
        let resolved = self
            .root
            .join(relative)
            .canonicalize()
            .map_err(|e| format!("path `{path}`: {e}"))?;
        if !resolved.starts_with(&self.root) {
            return Err(format!(
                "path `{path}` leads out of the upload directory (through a symlink)"
            ));
        }
        // Checked before opening too: opening a FIFO or a device can block.
        let is_file = std::fs::metadata(&resolved).is_ok_and(|m| m.is_file());
        if !is_file {
            return Err(format!("path `{path}` is not a regular file"));
        }
        let file = std::fs::File::open(&resolved).map_err(|e| format!("path `{path}`: {e}"))?;
        let meta = file.metadata().map_err(|e| format!("path `{path}`: {e}"))?;
        if !meta.is_file() {
            return Err(format!("path `{path}` is not a regular file"));
        }
        if meta.len() > MAX_FILE_BYTES as u64 {
            return Err(too_large(path));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("path `{path}`: {e}"))?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(too_large(path));
        }
        Ok(bytes)
    }
}

fn too_large(path: &str) -> String {
    format!(
        "path `{path}` is larger than {} MiB, the plugin's limit: give HeyGen a public https URL of the file instead",
        MAX_FILE_BYTES >> 20
    )
}

/// Replaces `path` in `args` by `content_base64` (and, when unset, the
/// `file_name` from the path): the arguments the plugin reads. Without an
/// upload directory a `path` is refused. Arguments without `path` pass as
/// they are.
pub fn resolve(dir: Option<&UploadDir>, args: &mut Map<String, Value>) -> Result<(), String> {
    let Some(path) = args.remove(PATH_ARG) else {
        return Ok(());
    };
    let Some(path) = path.as_str().map(str::to_owned) else {
        return Err("path must be a string".into());
    };
    let Some(dir) = dir else {
        return Err(format!(
            "path `{path}` cannot be read: this server was started without --upload-dir, so it reads no files; pass content_base64, or ask the operator to start it with --upload-dir DIR"
        ));
    };
    if args.contains_key(CONTENT_ARG) {
        return Err("give path or content_base64, not both".into());
    }
    let bytes = dir.read(&path)?;
    let name = Path::new(&path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    args.entry("file_name").or_insert_with(|| Value::from(name));
    args.insert(
        CONTENT_ARG.into(),
        Value::from(base64::engine::general_purpose::STANDARD.encode(bytes)),
    );
    Ok(())
}

/// `schema` (a tool's input schema) as it reads with an upload directory:
/// `path` added beside `content_base64`, which is then optional.
pub fn with_path(schema: &mut Map<String, Value>) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    if !properties.contains_key(CONTENT_ARG) {
        return;
    }
    properties.insert(
        PATH_ARG.into(),
        serde_json::json!({
            "type": "string", "minLength": 1, "maxLength": 1024,
            "description": "A file in the server's upload directory (relative, no `..`), read by the host in place of content_base64; file_name defaults to its name."
        }),
    );
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r != CONTENT_ARG);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dir() -> (PathBuf, UploadDir) {
        let base = std::env::temp_dir().join(format!(
            "heygen-uploads-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("inside/sub")).unwrap();
        std::fs::write(base.join("inside/a.png"), b"\x89PNG\r\n\x1a\n").unwrap();
        std::fs::write(base.join("secret.txt"), b"secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("secret.txt"), base.join("inside/out.png"))
                .unwrap();
            std::os::unix::fs::symlink(base.join("inside/a.png"), base.join("inside/sub/in.png"))
                .unwrap();
        }
        let dir = UploadDir::new(&base.join("inside")).unwrap();
        (base, dir)
    }

    #[test]
    fn reads_only_regular_files_inside_the_directory() {
        let (base, dir) = dir();
        assert_eq!(dir.read("a.png").unwrap(), b"\x89PNG\r\n\x1a\n");
        assert_eq!(dir.read("./sub/in.png").unwrap(), b"\x89PNG\r\n\x1a\n");
        for (path, needle) in [
            ("../secret.txt", "must not contain `..`"),
            ("sub/../../secret.txt", "must not contain `..`"),
            (
                base.join("secret.txt").to_str().unwrap(),
                "must be relative",
            ),
            ("/etc/passwd", "must be relative"),
            ("out.png", "leads out of the upload directory"),
            ("sub", "not a regular file"),
            ("missing.png", "missing.png"),
            ("", "must be relative"),
        ] {
            let err = dir.read(path).unwrap_err();
            assert!(err.contains(needle), "{path}: {err}");
        }
        #[cfg(unix)]
        {
            let root = UploadDir::new(Path::new("/")).unwrap();
            assert!(
                root.read("dev/null")
                    .unwrap_err()
                    .contains("not a regular file")
            );
        }
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn a_path_becomes_content_and_a_name_only_with_a_directory() {
        let (base, dir) = dir();
        let mut args = json!({"path": "a.png"}).as_object().unwrap().clone();
        resolve(Some(&dir), &mut args).unwrap();
        assert_eq!(
            Value::Object(args),
            json!({"file_name": "a.png", "content_base64": "iVBORw0KGgo="})
        );
        let mut args = json!({"path": "a.png"}).as_object().unwrap().clone();
        assert!(
            resolve(None, &mut args)
                .unwrap_err()
                .contains("started without --upload-dir")
        );
        let mut args = json!({"content_base64": "x"}).as_object().unwrap().clone();
        resolve(None, &mut args).unwrap();
        assert_eq!(args.len(), 1);
        std::fs::remove_dir_all(base).unwrap();
    }
}

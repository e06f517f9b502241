//! The simulator itself, where the plugin does not exercise it: chunked
//! request bodies (clients such as waki send no Content-Length), HTML 404s, and
//! the v3 reads refusing unknown query parameters and values.

use heygen_host::sim::{DEFAULT_KEY, Simulator, data};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn raw(sim: &Simulator, request: String) -> String {
    let mut stream = tokio::net::TcpStream::connect(sim.addr())
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn accepts_a_chunked_body() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).expect("simulator");
    let body = format!(
        r#"{{"type":"avatar","avatar_id":"tp_anna_office","script":"Hi","voice_id":"{}"}}"#,
        data::voice_id(0)
    );
    let (first, second) = body.split_at(20);
    let request = format!(
        "POST /v3/videos HTTP/1.1\r\nhost: x\r\nx-api-key: {DEFAULT_KEY}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    let answer = raw(&sim, request).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""status":"waiting""#));
    assert_eq!(sim.requests()[0].body, body.as_bytes());
}

#[tokio::test]
async fn unknown_routes_get_an_html_404() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).expect("simulator");
    for path in [
        "/",
        "/v3/nope",
        "/v2/video/generate/extra",
        "/v1/video_status.get/x",
    ] {
        let answer = raw(
            &sim,
            format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("content-type: text/html"),
            "{path}"
        );
    }
}

/// A GET of `target` with the simulator's key.
async fn get(sim: &Simulator, target: &str) -> String {
    raw(
        sim,
        format!("GET {target} HTTP/1.1\r\nhost: x\r\nx-api-key: {DEFAULT_KEY}\r\nconnection: close\r\n\r\n"),
    )
    .await
}

#[tokio::test]
async fn v3_reads_refuse_what_heygen_refuses() {
    let sim = Simulator::start(0, &[DEFAULT_KEY]).expect("simulator");
    for (target, param) in [
        ("/v3/voices?type=cloned", "type"),
        ("/v3/voices?type=private&token=voices-after-100", "token"),
        ("/v3/avatars/looks?avatar_type=robot", "avatar_type"),
        ("/v3/avatars/looks?ownership=mine", "ownership"),
        ("/v3/avatars/looks?limit=51", "limit"),
        ("/v3/avatars/looks?page=2", "page"),
        ("/v3/templates?limit=101", "limit"),
        ("/v3/templates?folder=x", "folder"),
        ("/v3/templates/tpl_welcome?expand=all", "expand"),
        ("/v3/users/me?fields=all", "fields"),
        ("/v3/videos?limit=0", "limit"),
        ("/v3/videos?status=done", "status"),
    ] {
        let answer = get(&sim, target).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{target}: {answer}");
        assert!(
            answer.contains(&format!(r#""param":"{param}""#)),
            "{target}: {answer}"
        );
    }
    // Without the key: 401 in v3's envelope.
    let answer = raw(
        &sim,
        "GET /v3/users/me HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".into(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains(r#""code":"unauthorized""#));
    // Both kinds of voices, each on its own.
    let private = get(&sim, "/v3/voices?type=private&limit=100").await;
    assert!(private.contains(&data::private_voice_id(0)));
    assert!(!private.contains(&data::voice_id(0)));
    let public = get(&sim, "/v3/voices?type=public&limit=5").await;
    assert!(public.contains(&data::voice_id(0)));
    assert!(!public.contains(&data::private_voice_id(0)));
    assert!(public.contains(r#""next_token":"voices-after-5""#));
}

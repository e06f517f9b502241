//! A generation's routes as one table ([`Route`]): the method, the path
//! pattern and the handler of each endpoint. The table is both what the
//! simulator knows (anything else is HeyGen's HTML 404) and where it sends a
//! request, so a new endpoint is one line.

use std::ops::Deref;

use super::answer::SimAnswer;
use super::request::Recorded;
use super::state::State;

/// What a route does with a request it matched.
pub(crate) type Handler = fn(&mut State, &Request<'_>) -> SimAnswer;

/// One endpoint.
pub(crate) struct Route {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path, each `{name}` standing for one non-empty segment (its value
    /// percent-decoded), e.g. `/v3/videos/{video_id}`.
    pub path: &'static str,
    /// What answers it.
    pub handler: Handler,
    /// Whether it makes something new: on v3 it then runs under the request's
    /// `Idempotency-Key`.
    pub creates: bool,
}

impl Route {
    /// A route that reads or removes.
    pub const fn new(method: &'static str, path: &'static str, handler: Handler) -> Route {
        Route {
            method,
            path,
            handler,
            creates: false,
        }
    }

    /// A route that makes something new.
    pub const fn create(method: &'static str, path: &'static str, handler: Handler) -> Route {
        Route {
            method,
            path,
            handler,
            creates: true,
        }
    }

    /// The values of this route's `{name}` segments in `path`, if it matches.
    fn matches(&self, method: &str, path: &str) -> Option<Vec<(&'static str, String)>> {
        (self.method == method).then(|| path_values(self.path, path))?
    }
}

/// The values of `pattern`'s `{name}` segments in `path` (each one
/// non-empty segment, percent-decoded), if `path` matches `pattern`.
pub(crate) fn path_values<'p>(pattern: &'p str, path: &str) -> Option<Vec<(&'p str, String)>> {
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') => {
                if g.is_empty() {
                    return None;
                }
                let value = percent_encoding::percent_decode_str(g)
                    .decode_utf8_lossy()
                    .into_owned();
                params.push((&w[1..w.len() - 1], value));
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// The route of `table` (its routes in any order) that answers `req`, with the request's path values:
/// of the routes that match, the one with the fewest `{name}` segments (so
/// `/v3/videos/statuses` wins over `/v3/videos/{video_id}`).
pub(crate) fn find<'t, 'r>(
    table: impl IntoIterator<Item = &'t Route>,
    req: &'r Recorded,
) -> Option<(&'t Route, Request<'r>)> {
    table
        .into_iter()
        .filter_map(|route| Some((route, route.matches(&req.method, &req.path)?)))
        .min_by_key(|(_, params)| params.len())
        .map(|(route, params)| {
            (
                route,
                Request {
                    recorded: req,
                    params,
                },
            )
        })
}

/// A request matched to a route: the request, and the values of the route's
/// `{name}` segments.
pub(crate) struct Request<'r> {
    recorded: &'r Recorded,
    params: Vec<(&'static str, String)>,
}

impl Request<'_> {
    /// The value of the path's `{name}` segment (empty if the route has none
    /// of that name, which the route tables' tests rule out).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

impl Deref for Request<'_> {
    type Target = Recorded;

    fn deref(&self) -> &Recorded {
        self.recorded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(_: &mut State, _: &Request<'_>) -> SimAnswer {
        SimAnswer::html_404()
    }

    fn recorded(method: &str, path: &str) -> Recorded {
        Recorded {
            method: method.into(),
            path: path.into(),
            query: None,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    #[test]
    fn the_most_literal_route_wins_and_segments_are_decoded() {
        let table = [
            Route::new("GET", "/v3/videos/{video_id}", answer),
            Route::new("GET", "/v3/videos/statuses", answer),
            Route::new("POST", "/v3/templates/{template_id}", answer),
        ];
        let req = recorded("GET", "/v3/videos/statuses");
        let (route, _) = find(&table, &req).unwrap();
        assert_eq!(route.path, "/v3/videos/statuses");
        let req = recorded("GET", "/v3/videos/a%20b");
        let (route, matched) = find(&table, &req).unwrap();
        assert_eq!(
            (route.path, matched.param("video_id")),
            ("/v3/videos/{video_id}", "a b")
        );
        for (method, path) in [
            ("GET", "/v3/videos/"),
            ("GET", "/v3/videos/a/b"),
            ("DELETE", "/v3/videos/a"),
            ("GET", "/v3/templates/t"),
        ] {
            assert!(
                find(&table, &recorded(method, path)).is_none(),
                "{method} {path}"
            );
        }
    }
}

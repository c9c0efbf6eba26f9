//! `docs/openapi.yaml` and the reference server describe the same API: the same paths and
//! methods, and the same error codes.
//!
//! The YAML is read with a small line scanner that relies on the file's layout: paths are keys
//! indented by 2 under `paths:`, their methods keys indented by 4, and the error codes the
//! `- ITEM` lines of the `enum:` under `components.schemas.ErrorCode`.

use std::collections::BTreeSet;

use bingx_passkeys_testkit::server::{ErrorCode, route_table};

const OPENAPI: &str = include_str!("../../docs/openapi.yaml");
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `(method, path)` pairs of the `paths:` section.
fn documented_routes(yaml: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let mut in_paths = false;
    let mut path: Option<String> = None;
    for line in yaml.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent(line) == 0 {
            in_paths = trimmed == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        let key = trimmed.split(':').next().unwrap_or_default();
        match indent(line) {
            2 if key.starts_with('/') => path = Some(key.to_owned()),
            4 if METHODS.contains(&key) => {
                let path = path.clone().expect("a method under a path");
                routes.insert((key.to_owned(), path));
            }
            _ => {}
        }
    }
    routes
}

/// The items of `components.schemas.ErrorCode.enum`.
fn documented_error_codes(yaml: &str) -> BTreeSet<String> {
    let mut lines = yaml.lines().skip_while(|l| l.trim() != "ErrorCode:");
    let header = lines.next().expect("an ErrorCode schema");
    let schema_indent = indent(header);
    lines
        .take_while(|l| l.trim().is_empty() || indent(l) > schema_indent)
        .skip_while(|l| l.trim() != "enum:")
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_route_is_documented_and_every_documented_route_exists() {
    let served: BTreeSet<(String, String)> = route_table()
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(served.len(), route_table().len(), "no duplicate routes");
    let documented = documented_routes(OPENAPI);
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not in docs/openapi.yaml: {undocumented:?}\n\
         in docs/openapi.yaml but not served: {unserved:?}"
    );
}

#[test]
fn every_error_code_is_documented_and_every_documented_code_exists() {
    let emitted: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect();
    let documented = documented_error_codes(OPENAPI);
    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&emitted).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "emitted but not in the ErrorCode enum of docs/openapi.yaml: {undocumented:?}\n\
         documented but never emitted: {unknown:?}"
    );
    // Each code is also explained where it can occur, not only listed.
    for code in &emitted {
        let mentions = OPENAPI.matches(&format!("`{code}`")).count();
        assert!(mentions >= 1, "{code} is never explained in a response");
    }
}

#[test]
fn the_scanner_reads_what_it_should() {
    let yaml = "\
openapi: 3.1.0
paths:
  /a:
    get:
      summary: x
    post: {}
  /b/{id}:
    delete:
      responses: {}
components:
  schemas:
    ErrorCode:
      type: string
      enum:
        - ONE
        - TWO
    Other:
      enum:
        - NOT_A_CODE
";
    let routes = documented_routes(yaml);
    assert_eq!(
        routes.into_iter().collect::<Vec<_>>(),
        vec![
            ("delete".to_owned(), "/b/{id}".to_owned()),
            ("get".to_owned(), "/a".to_owned()),
            ("post".to_owned(), "/a".to_owned()),
        ]
    );
    assert_eq!(
        documented_error_codes(yaml).into_iter().collect::<Vec<_>>(),
        vec!["ONE".to_owned(), "TWO".to_owned()]
    );
}

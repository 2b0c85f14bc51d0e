//! The OpenAPI 3.1 document of /api/v1, derived from the code: each handler's `#[utoipa::path]`
//! and the types it takes and returns. The route table keeps each description as it serves the
//! route, so the document lists exactly what is served; this adds what every operation shares
//! (the error answers and the two ways to sign in).

use crate::error::ErrorReply;
use axum::Json;
use serde_json::Value;
use std::sync::OnceLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};
use utoipa::{Modify, OpenApi as _, PartialSchema, ToSchema};

const DESCRIPTION: &str = "城市基层党建引领基层治理平台的 JSON API。认证：浏览器用会话 Cookie（写操作须带 X-CSRF-Token 头），API 客户端用 Authorization: Bearer <个人访问令牌>。请求体上限 1 MiB（超出返回 413）；字段无效返回 422，JSON 无法解析返回 400，错误体均为 {\"error\":{code,message,field,value,request_id}}。编号（id）均为整数。";

/// The errors any operation may answer, beside its success.
const ERRORS: &[(&str, &str)] = &[
    ("400", "请求无法解析"),
    ("401", "未登录"),
    ("403", "无权操作"),
    ("404", "找不到"),
    ("409", "与已有记录冲突"),
    ("413", "请求体过大"),
    ("422", "字段无效"),
    ("503", "数据库暂不可用"),
];

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "jiceng 基层 API", description = "城市基层党建引领基层治理平台的 JSON API"),
    modifiers(&Shared)
)]
struct Base;

/// Sign-in schemes, the error schema and the error answers of every operation.
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut OpenApi) {
        doc.info.description = Some(DESCRIPTION.to_string());
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        let mut named = Vec::new();
        <ErrorReply as ToSchema>::schemas(&mut named);
        named.push((ErrorReply::name().into_owned(), ErrorReply::schema()));
        components.schemas.extend(named);
        doc.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("cookie", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
        ]);
    }
}

fn with_errors(op: &mut Operation) {
    for (status, description) in ERRORS {
        let answer = ResponseBuilder::new()
            .description(*description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(Ref::from_schema_name(ErrorReply::name()))))
                    .build(),
            )
            .build();
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert(RefOr::T(answer));
    }
}

/// The document, built from the API's route table.
pub fn build() -> OpenApi {
    let (mut paths, schemas) = super::routes().described();
    for item in paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            with_errors(op);
        }
    }
    let mut doc = Base::openapi();
    doc.paths = paths;
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    doc
}

/// The document as JSON, built once.
pub fn json() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(build()).unwrap_or_default())
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "账号",
    summary = "本 API 的 OpenAPI 3.1 文档",
    responses((status = 200, description = "成功", body = Object))
)]
pub async fn document() -> Json<Value> {
    Json(json().clone())
}

/// The document's description, for the reference page.
pub fn description() -> &'static str {
    DESCRIPTION
}

/// One operation, for the browsable reference page.
pub struct OpView {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub params: String,
    pub body: String,
    pub status: String,
    pub response: String,
}

impl OpView {
    /// The schema a short type names, to link to: `[Token]` names `Token`.
    pub fn link(ty: &str) -> &str {
        ty.trim_start_matches('[').trim_end_matches(']')
    }
}

/// One schema of the document, for the reference page: each property with its type.
pub struct SchemaView {
    pub name: String,
    pub description: String,
    pub fields: Vec<(String, String, bool, String)>,
}

/// A schema as a short type: a schema's name, `[T]`, `a|b|c`, `string(date)` …
pub fn type_of(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = s[key].as_array() {
            let named: Vec<String> = parts.iter().map(type_of).filter(|t| t != "null").collect();
            return named.join(if key == "allOf" { " & " } else { " | " });
        }
    }
    if let Some(values) = s["enum"].as_array() {
        return values
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("|");
    }
    let ty = match &s["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join("|"),
        _ => return "object".to_string(),
    };
    match ty.as_str() {
        "array" => format!("[{}]", type_of(&s["items"])),
        _ => match s["format"].as_str() {
            Some(f) => format!("{ty}({f})"),
            None => ty,
        },
    }
}

fn content_type(v: &Value) -> String {
    match v["content"]["application/json"]["schema"] {
        Value::Null => String::new(),
        ref s => type_of(s),
    }
}

/// The operations grouped by tag, in the order the route table serves them.
pub fn grouped() -> Vec<(String, Vec<OpView>)> {
    let doc = json();
    let mut groups: Vec<(String, Vec<OpView>)> = Vec::new();
    for r in crate::route_table()
        .into_iter()
        .filter(|r| r.kind == crate::routes::Kind::Api)
    {
        let op = &doc["paths"][&r.path][r.method.to_lowercase()];
        let params = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        format!(
                            "{}（{}, {}）",
                            p["name"].as_str().unwrap_or(""),
                            p["in"].as_str().unwrap_or(""),
                            type_of(&p["schema"])
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let (status, response) = op["responses"]
            .as_object()
            .and_then(|rs| rs.iter().find(|(code, _)| code.starts_with('2')))
            .map(|(code, v)| (code.clone(), content_type(v)))
            .unwrap_or_default();
        let view = OpView {
            method: r.method.to_string(),
            path: r.path.clone(),
            summary: op["summary"].as_str().unwrap_or("").to_string(),
            params,
            body: content_type(&op["requestBody"]),
            status,
            response,
        };
        let tag = op["tags"][0].as_str().unwrap_or("").to_string();
        match groups.iter_mut().find(|g| g.0 == tag) {
            Some(g) => g.1.push(view),
            None => groups.push((tag, vec![view])),
        }
    }
    groups
}

/// Every schema the operations name, by name.
pub fn schemas() -> Vec<SchemaView> {
    let empty = serde_json::Map::new();
    json()["components"]["schemas"]
        .as_object()
        .unwrap_or(&empty)
        .iter()
        .map(|(name, s)| {
            let required: Vec<&str> = s["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = s["properties"]
                .as_object()
                .map(|props| {
                    props
                        .iter()
                        .map(|(field, p)| {
                            (
                                field.clone(),
                                type_of(p),
                                required.contains(&field.as_str()),
                                p["description"].as_str().unwrap_or("").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            SchemaView {
                name: name.clone(),
                description: match s["properties"] {
                    Value::Null => type_of(s),
                    _ => s["description"].as_str().unwrap_or("").to_string(),
                },
                fields,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::routes::Kind;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn described() -> BTreeSet<(String, String)> {
        super::json()["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect()
    }

    /// The document describes exactly the API routes the server serves, read from the route
    /// table: a route served without its description, or a description of nothing, fails.
    #[test]
    fn the_document_describes_every_api_route_of_the_table() {
        let served: BTreeSet<(String, String)> = crate::route_table()
            .into_iter()
            .filter(|r| r.kind == Kind::Api)
            .map(|r| (r.method.to_lowercase(), r.path))
            .collect();
        assert!(served.len() > 90, "{}", served.len());
        let described = described();
        let undocumented: Vec<_> = served.difference(&described).collect();
        let stale: Vec<_> = described.difference(&served).collect();
        assert!(
            undocumented.is_empty(),
            "served but not described: {undocumented:?}"
        );
        assert!(stale.is_empty(), "described but not served: {stale:?}");
    }

    /// Each operation carries the question its route asks, as the table records it.
    #[test]
    fn each_operation_says_what_it_asks() {
        let doc = super::json();
        for r in crate::route_table()
            .into_iter()
            .filter(|r| r.kind == Kind::Api)
        {
            let op = &doc["paths"][&r.path][r.method.to_lowercase()];
            assert_eq!(
                op["x-asks"],
                serde_json::to_value(r.asks).unwrap(),
                "{} {}",
                r.method,
                r.path
            );
        }
        assert_eq!(
            doc["paths"]["/api/v1/cases/{id}"]["get"]["x-asks"],
            serde_json::json!({"asks": "record", "noun": "case"})
        );
    }

    /// No two types share a schema name (the document would keep only one of them), and no
    /// two operations share an id.
    #[test]
    fn names_are_unique() {
        let (_, schemas) = super::super::routes().described();
        let mut seen: std::collections::BTreeMap<String, String> = Default::default();
        for (name, schema) in schemas {
            let text = serde_json::to_string(&schema).unwrap();
            let first = seen.entry(name.clone()).or_insert_with(|| text.clone());
            assert_eq!(*first, text, "two types are named {name}");
        }
        let mut ids = BTreeSet::new();
        for ops in super::json()["paths"].as_object().unwrap().values() {
            for op in ops.as_object().unwrap().values() {
                let id = op["operationId"].as_str().unwrap().to_string();
                assert!(ids.insert(id.clone()), "operation id {id} twice");
            }
        }
    }

    /// Every schema an operation or another schema names is in the document.
    #[test]
    fn every_reference_resolves() {
        let doc = super::json();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut missing = BTreeSet::new();
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            if !schemas.contains_key(name) {
                missing.insert(name.to_string());
            }
        }
        assert!(missing.is_empty(), "named but not described: {missing:?}");
    }

    /// Ids are integers, enumerations list their codes, dates are dates, and every operation
    /// has a summary, a tag and the shared error answer.
    #[test]
    fn types_are_described_as_they_are() {
        let doc = super::json();
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Wish"]["properties"]["id"]["type"], "integer");
        assert_eq!(s["Case"]["properties"]["id"]["type"], "integer");
        assert_eq!(
            super::type_of(&s["Case"]["properties"]["status"]),
            "CaseStatus"
        );
        let status = super::type_of(&s["CaseStatus"]);
        assert!(
            status.contains("dispatched") && status.contains("closed"),
            "{status}"
        );
        assert_eq!(s["Wish"]["properties"]["posted_on"]["format"], "date");
        let show = &doc["paths"]["/api/v1/members/{id}"]["get"];
        let params: Vec<&str> = show["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(params, ["id"], "a reveal is a POST of its own");
        assert!(doc["paths"]["/api/v1/members/{id}/reveal"]["post"].is_object());
        let id = show["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "id")
            .unwrap();
        assert_eq!(id["schema"]["type"], "integer");
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                assert!(
                    op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                    "{method} {path}"
                );
                assert!(op["tags"][0].is_string(), "{method} {path}");
                assert_eq!(
                    op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
                    Value::from("#/components/schemas/ErrorReply"),
                    "{method} {path}"
                );
            }
        }
    }
}

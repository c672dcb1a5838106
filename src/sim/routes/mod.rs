//! The simulator's routes, one file per group, each route next to its handler. Every group
//! lists its routes in a `routes()` table, so the whole surface is known in one place: the
//! contract test compares it with `api/openapi.yaml`. Unknown routes and methods answer with the
//! API's JSON errors, never a bare status.

mod alerts;
mod classic;
mod classic_shapes;
mod reputation;
mod reputation_facts;
mod scans;
mod sim_only;

use std::collections::HashMap;

use axum::extract::{FromRequest, RawQuery, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, post};
use axum::{Router, middleware};
use serde_json::Value;

use super::auth;
use super::error::ApiError;
use super::faults;
use super::state::SimState;

/// A route table: paths with their method routers.
pub(crate) type Routes = Vec<(&'static str, MethodRouter<SimState>)>;

/// The paths of the documented API (`/api/v2`), for the contract test.
pub(crate) fn api_paths() -> Vec<&'static str> {
    let mut paths = vec![TOKEN_PATH];
    paths.extend(protected_api().into_iter().map(|(path, _)| path));
    paths
}

/// The paths of the classic API (`/api/v1`) and the simulator-only routes (`/_sim`).
pub(crate) fn extra_paths() -> Vec<&'static str> {
    classic::routes()
        .into_iter()
        .chain(sim_only::routes())
        .map(|(path, _)| path)
        .collect()
}

const TOKEN_PATH: &str = "/api/v2/auth/token";

fn protected_api() -> Routes {
    let mut routes = alerts::routes();
    routes.extend(reputation::routes());
    routes.extend(scans::routes());
    routes
}

fn router_of(routes: Routes) -> Router<SimState> {
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, method_router)| {
            router.route(path, method_router.fallback(method_not_allowed))
        })
}

/// The whole simulator: the v2 API behind tokens, the classic API behind the raw key, both with
/// faults; and the simulator-only routes without either.
pub(crate) fn app(state: SimState) -> Router {
    let protected = protected_api();
    let mut v2 = Router::new();
    // axum refuses a route layer on a router without routes.
    if !protected.is_empty() {
        v2 = router_of(protected).route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    }
    let v2 = v2.route(
        TOKEN_PATH,
        post(auth::issue_token).fallback(method_not_allowed),
    );
    let vendor = v2
        .merge(router_of(classic::routes()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    vendor
        .merge(router_of(sim_only::routes()))
        .fallback(no_such_route)
        .with_state(state)
}

async fn no_such_route() -> ApiError {
    ApiError::not_found("no such route; see api/openapi.yaml for the API's paths")
}

async fn method_not_allowed() -> impl IntoResponse {
    let mut error = ApiError::bad_request(
        "method_not_allowed",
        "this path does not take that method; see api/openapi.yaml",
    );
    error.status = StatusCode::METHOD_NOT_ALLOWED;
    error
}

/// A JSON request body, with the API's `invalid_json` error instead of axum's plain-text one.
#[derive(Debug)]
pub(crate) struct JsonBody(pub(crate) Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|error| {
                ApiError::bad_request("bad_request", format!("cannot read the body: {error}"))
            })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|error| {
                ApiError::bad_request(
                    "invalid_json",
                    format!("the body is not valid JSON: {error}"),
                )
            })
    }
}

/// The query string as a map; a repeated parameter keeps its last value.
pub(crate) fn query_map(RawQuery(query): RawQuery) -> Result<HashMap<String, String>, ApiError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or(""))
        .map(|pairs| pairs.into_iter().collect())
        .map_err(|error| {
            ApiError::bad_request(
                "bad_request",
                format!("the query string is malformed: {error}"),
            )
        })
}

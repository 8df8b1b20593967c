//! The JSON API's shared pieces: a JSON extractor with clear errors and the OpenAPI document.

pub mod openapi;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::routing::Routes;

/// `Json<T>` whose rejection is an [`AppError::Invalid`] explaining what is wrong.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(JsonRejection::BytesRejection(_)) => Err(AppError::TooLarge),
            Err(rejection) => Err(AppError::Invalid(rejection.body_text())),
        }
    }
}

/// Routes of the API's own documents: the OpenAPI document made of the contexts' paths.
pub fn routes(contexts: &[serde_json::Value]) -> Routes {
    let document = std::sync::Arc::new(openapi::spec(contexts));
    Routes::new().get("/api/v1/openapi.json", move || {
        let document = document.clone();
        async move { Json(document.as_ref().clone()) }
    })
}

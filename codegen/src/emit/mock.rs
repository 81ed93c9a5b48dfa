//! The mock server's generated half: every endpoint's rules (the same
//! endpoint statics as the library's table) and, per route, what only the
//! mock needs: the data set it answers from, how query parameters select
//! items, and the shape of an answer's items, with the types those name.
//! It expects `crate::route_meta::{MockFilter, RouteMeta}` in ttv-mock.

use super::meta;
use crate::model::{Endpoint, MockFilter, Model, Response};
use proc_macro2::TokenStream;
use quote::quote;

/// The whole `routes.rs` of ttv-mock.
pub fn routes(model: &Model) -> String {
    let roots = model.endpoints.iter().flat_map(|e| e.params.iter().map(|p| &p.ty).chain(answer_item(e)));
    let types = meta::type_meta_module(model, roots);
    let endpoints = meta::endpoints_module(model);
    let routes = model.endpoints.iter().map(route);
    super::render(quote! {
        use crate::route_meta::{MockFilter, RouteMeta};
        use ttv_meta::Shape;

        #types

        #endpoints

        /// Every route the mock serves, one per endpoint, in spec order.
        pub static ROUTES: &[RouteMeta] = &[#(#routes),*];
    })
}

fn answer_item(e: &Endpoint) -> Option<&crate::typeexpr::TypeExpr> {
    match &e.response {
        Response::Data { item, .. } => Some(item),
        Response::NoContent | Response::Text { .. } => None,
    }
}

fn route(e: &Endpoint) -> TokenStream {
    let endpoint = meta::endpoint_static(e);
    let source = e.mock_source.as_ref().map(|s| quote!(.source(#s)));
    let filters = (!e.mock_filters.is_empty()).then(|| {
        let filters = e.mock_filters.iter().map(|(param, f)| {
            let f = match f {
                MockFilter::Eq(x) => quote!(MockFilter::Eq(#x)),
                MockFilter::Contains(x) => quote!(MockFilter::Contains(#x)),
                MockFilter::Flag(x) => quote!(MockFilter::Flag(#x)),
                MockFilter::FollowedBy(x) => quote!(MockFilter::FollowedBy(#x)),
            };
            quote!((#param, #f))
        });
        quote!(.filters(&[#(#filters),*]))
    });
    let item = answer_item(e).map(|item| {
        let shape = meta::shape(item, &quote!(type_meta));
        quote!(.item(#shape))
    });
    let gone = e.gone.as_ref().map(|g| {
        let status = g.status;
        quote!(.gone(#status))
    });
    quote!(RouteMeta::new(&endpoints::#endpoint) #source #filters #item #gone)
}

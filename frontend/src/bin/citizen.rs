//! The citizen's page (`/c/<token>`, issue 18): a light binary of its own, so a citizen
//! opening a campaign's link downloads neither the officers' app nor the office app.
//! Everything lives in the library's `citizen` module; this only starts it.

fn main() {
    hoctap_frontend::citizen::run();
}

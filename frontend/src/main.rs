//! The web app's binary: everything lives in the library (`lib.rs`), so browser tests
//! can reach its modules; this only starts it.

fn main() {
    hoctap_frontend::run();
}

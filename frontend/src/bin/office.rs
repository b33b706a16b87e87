//! The office app's binary (`office.html`): the staff page and the other screens of the
//! commune and province offices, kept out of the phone app's download. Everything lives
//! in the library's `office` module; this only starts it.

fn main() {
    hoctap_frontend::office::run();
}

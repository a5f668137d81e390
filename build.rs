// The spec cases are compiled into the binary (cases::builtin_files); a
// change to them must rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=spec-cases");
}

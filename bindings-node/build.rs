//! Sets the linker flags a Node addon needs (undefined Node-API symbols resolved at load).

fn main() {
    napi_build::setup();
}

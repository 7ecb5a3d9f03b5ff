//! The `{{name}}` command: serves the server over stdio.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    {{crate}}::server()?.serve_stdio().await?;
    Ok(())
}

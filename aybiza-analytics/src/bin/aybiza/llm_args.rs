//! The `--llm` flags shared by subcommands that can ask a language model.

use aybiza_analytics::Result;
use aybiza_analytics::llm::LlmClient;

/// Which model to ask, if any.
#[derive(Debug, Clone, clap::Args)]
pub struct LlmArgs {
    /// Ask a language model as well: `bedrock` (Claude on AWS Bedrock; credentials from the AWS
    /// chain). Needs a binary built with the `bedrock` feature.
    #[arg(long, value_parser = ["bedrock"])]
    llm: Option<String>,
    /// AWS region of the model (default: from the AWS chain).
    #[arg(long, requires = "llm")]
    llm_region: Option<String>,
    /// Endpoint URL of the model service, instead of the region's.
    #[arg(long, requires = "llm")]
    llm_endpoint: Option<String>,
}

impl LlmArgs {
    /// The model client these flags ask for, if any.
    #[cfg(feature = "bedrock")]
    pub async fn client(&self) -> Result<Option<LlmClient>> {
        use aybiza_analytics::llm::bedrock::BedrockClientSettings;
        if self.llm.is_none() {
            return Ok(None);
        }
        let settings = BedrockClientSettings {
            region: self.llm_region.clone(),
            endpoint_url: self.llm_endpoint.clone(),
            ..BedrockClientSettings::default()
        };
        Ok(Some(settings.connect().await?))
    }

    /// The model client these flags ask for: none in a binary built without the `bedrock`
    /// feature, where `--llm` is an error.
    #[cfg(not(feature = "bedrock"))]
    pub async fn client(&self) -> Result<Option<LlmClient>> {
        match &self.llm {
            None => Ok(None),
            Some(backend) => Err(aybiza_analytics::Error::InvalidArgument(format!(
                "--llm {backend}: this aybiza binary was built without the `bedrock` feature \
                 (build it with `cargo install --path aybiza-analytics --features bedrock`)"
            ))),
        }
    }
}

//! The bundle artifact: byte layout, writer, defensive reader and hashes.

mod codec;
mod decode;
mod encode;
pub mod hash;
pub mod layout;
mod reader;
mod validate;
mod writer;

pub use layout::FORMAT_VERSION;
pub use reader::{read_artifact, LoadedArtifact};
pub use writer::{write_artifact, Artifact};

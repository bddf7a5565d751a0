//! How a model's inputs are fed: numeric columns (the default), images named
//! by a column, tokens of a text column, or arrays of a tensors file.
//!
//! These are plain settings of the plan, so a report says exactly how its
//! images were resized and its text tokenized; the work itself (decoding,
//! resizing, tokenizing) lives in `assay-features`, which reads them.
//!
//! The vocabulary follows what PyTorch users already write:
//! torchvision's `Resize`, `CenterCrop`, `ToTensor`, `Normalize` and its
//! ImageNet preset; Hugging Face's `tokenizer.json` with `max_length`,
//! truncation and padding.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Images read from the files a column names (an image folder's `path`
/// column, or a manifest's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ImageFeed {
    /// The column holding each row's image path, relative to the images
    /// input (an image folder's root, or the manifest's folder).
    pub column: String,
    /// Decoding and preprocessing.
    pub preprocess: ImagePreprocess,
    /// What to do with an image that cannot be decoded.
    pub on_bad_image: OnBadImage,
}

impl Default for ImageFeed {
    fn default() -> Self {
        ImageFeed {
            column: IMAGE_PATH_COLUMN.to_owned(),
            preprocess: ImagePreprocess::default(),
            on_bad_image: OnBadImage::Fail,
        }
    }
}

/// The path column of an image folder's listing.
pub const IMAGE_PATH_COLUMN: &str = "path";
/// The label column of an image folder's listing (the class folder).
pub const IMAGE_LABEL_COLUMN: &str = "label";

/// What to do with an image that cannot be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnBadImage {
    /// Stop, naming the file.
    #[default]
    Fail,
    /// Leave the row out of the audit and count it in the report.
    Skip,
}

/// torchvision-style preprocessing, applied in this order: decode (EXIF
/// orientation honoured, alpha dropped, palette expanded) → channels →
/// resize → centre crop → scale to [0, 1] → normalize → layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ImagePreprocess {
    /// A named preset whose values fill the settings not given
    /// (`imagenet`: resize 256, crop 224, ImageNet mean and std).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<ImagePreset>,
    /// Resize before cropping (default: to the model's fixed height and
    /// width when its input shape gives them and no crop is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resize: Option<Resize>,
    /// Centre crop to this size (default: the model's fixed height and width
    /// when a resize to the shorter side is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crop: Option<Size>,
    /// Resampling filter of the resize (antialiased when shrinking, as PIL
    /// and torchvision's `antialias=True` do).
    pub interpolation: Interpolation,
    /// Divide 8-bit values by 255 (16-bit by 65535) so pixels are in [0, 1]
    /// (torchvision's `ToTensor`); false keeps 0…255.
    pub scale: bool,
    /// Per-channel mean subtracted after scaling (empty: none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mean: Vec<f64>,
    /// Per-channel standard deviation divided by after the mean (empty: none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub std: Vec<f64>,
    /// Channel order fed to the model.
    pub channels: Channels,
    /// Memory layout of the model input.
    pub layout: Layout,
}

impl Default for ImagePreprocess {
    fn default() -> Self {
        ImagePreprocess {
            preset: None,
            resize: None,
            crop: None,
            interpolation: Interpolation::Bilinear,
            scale: true,
            mean: Vec::new(),
            std: Vec::new(),
            channels: Channels::Rgb,
            layout: Layout::Nchw,
        }
    }
}

impl ImagePreprocess {
    /// The settings with the preset's values filling those not given.
    pub fn with_preset(&self) -> ImagePreprocess {
        let mut p = self.clone();
        if let Some(ImagePreset::Imagenet) = self.preset {
            p.resize.get_or_insert(Resize::Shorter(256));
            p.crop.get_or_insert(Size {
                height: 224,
                width: 224,
            });
            if p.mean.is_empty() {
                p.mean = IMAGENET_MEAN.to_vec();
            }
            if p.std.is_empty() {
                p.std = IMAGENET_STD.to_vec();
            }
        }
        p
    }

    /// Number of channels fed to the model.
    pub fn channel_count(&self) -> usize {
        match self.channels {
            Channels::Gray => 1,
            Channels::Rgb | Channels::Bgr => 3,
        }
    }
}

/// torchvision's ImageNet normalization (`transforms._presets.ImageClassification`).
pub const IMAGENET_MEAN: [f64; 3] = [0.485, 0.456, 0.406];
/// torchvision's ImageNet normalization.
pub const IMAGENET_STD: [f64; 3] = [0.229, 0.224, 0.225];

/// A named preprocessing preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImagePreset {
    /// torchvision's ImageNet classification preset: resize the shorter
    /// side to 256 (bilinear, antialiased), centre crop 224, scale to
    /// [0, 1], normalize with the ImageNet mean and std, RGB, NCHW.
    Imagenet,
}

/// How to resize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resize {
    /// The shorter side to this many pixels, the aspect ratio kept
    /// (torchvision's `Resize(int)`; the longer side is truncated like
    /// torchvision's `int(size * long / short)`).
    Shorter(u32),
    /// Exactly this size (torchvision's `Resize((h, w))`).
    Exact(Size),
}

/// A height and a width in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub height: u32,
    pub width: u32,
}

/// Resampling filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Interpolation {
    /// PIL's nearest neighbour.
    Nearest,
    /// PIL's bilinear (triangle) filter, antialiased when shrinking.
    #[default]
    Bilinear,
    /// PIL's bicubic filter (a = −0.5), antialiased when shrinking.
    Bicubic,
}

/// Channel order fed to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channels {
    #[default]
    Rgb,
    /// OpenCV's order (Caffe-era models).
    Bgr,
    /// One channel: PIL's `convert("L")` (ITU-R 601-2 luma) of colour images.
    Gray,
}

/// Memory layout of an image batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `[batch, channels, height, width]` (PyTorch).
    #[default]
    Nchw,
    /// `[batch, height, width, channels]` (TensorFlow / Keras).
    Nhwc,
}

/// Tokens of a text column, from a Hugging Face `tokenizer.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TextFeed {
    /// The column holding each row's text.
    pub column: String,
    /// A second text per row (sentence pairs: `[CLS] a [SEP] b [SEP]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair_column: Option<String>,
    /// Tokens per row at most, special tokens included; longer text is
    /// truncated and counted (default: the model's fixed sequence length,
    /// else the tokenizer's own truncation length, else 512).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
}

impl Default for TextFeed {
    fn default() -> Self {
        TextFeed {
            column: String::new(),
            pair_column: None,
            max_length: None,
        }
    }
}

/// The default `max_length` when neither the model nor the tokenizer fixes one.
pub const DEFAULT_MAX_LENGTH: usize = 512;

/// The names of what can feed a model input (besides a tensors file's arrays).
pub mod sources {
    /// The numeric feature columns, row-major `[rows, features]`.
    pub const FEATURES: &str = "features";
    /// The preprocessed images.
    pub const IMAGE: &str = "image";
    /// Token ids.
    pub const INPUT_IDS: &str = "input_ids";
    /// 1 for a real token, 0 for padding.
    pub const ATTENTION_MASK: &str = "attention_mask";
    /// 0 for the first text's tokens, 1 for the pair's.
    pub const TOKEN_TYPE_IDS: &str = "token_type_ids";
    /// Every name above.
    pub const ALL: &[&str] = &[FEATURES, IMAGE, INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS];
}

//! Class names of the COCO-80 label set, in the order used by CenterNet and YOLOv8/YOLO11, and
//! the COCO-90 ids of SSD models mapped onto it.

/// COCO-80 names, index = class id.
pub const COCO80: [&str; 80] = [
    "person",
    "bicycle",
    "car",
    "motorcycle",
    "airplane",
    "bus",
    "train",
    "truck",
    "boat",
    "traffic light",
    "fire hydrant",
    "stop sign",
    "parking meter",
    "bench",
    "bird",
    "cat",
    "dog",
    "horse",
    "sheep",
    "cow",
    "elephant",
    "bear",
    "zebra",
    "giraffe",
    "backpack",
    "umbrella",
    "handbag",
    "tie",
    "suitcase",
    "frisbee",
    "skis",
    "snowboard",
    "sports ball",
    "kite",
    "baseball bat",
    "baseball glove",
    "skateboard",
    "surfboard",
    "tennis racket",
    "bottle",
    "wine glass",
    "cup",
    "fork",
    "knife",
    "spoon",
    "bowl",
    "banana",
    "apple",
    "sandwich",
    "orange",
    "broccoli",
    "carrot",
    "hot dog",
    "pizza",
    "donut",
    "cake",
    "chair",
    "couch",
    "potted plant",
    "bed",
    "dining table",
    "toilet",
    "tv",
    "laptop",
    "mouse",
    "remote",
    "keyboard",
    "cell phone",
    "microwave",
    "oven",
    "toaster",
    "sink",
    "refrigerator",
    "book",
    "clock",
    "vase",
    "scissors",
    "teddy bear",
    "hair drier",
    "toothbrush",
];

/// The COCO-90 ids (0-based, as in Coral's `coco_labels.txt`) that have no COCO-80 class.
const COCO90_GAPS: [usize; 10] = [11, 25, 28, 29, 44, 65, 67, 68, 70, 82];

/// The COCO-80 index of a 0-based COCO-90 id (SSD models trained with the TensorFlow object
/// detection API), or `None` for the ten ids COCO never used and ids past 89.
pub fn coco80_from_coco90(id: usize) -> Option<u16> {
    if id >= 90 || COCO90_GAPS.contains(&id) {
        return None;
    }
    let below = COCO90_GAPS.iter().filter(|&&g| g < id).count();
    u16::try_from(id - below).ok()
}

/// Name of a class id, or `class_<id>` outside the set.
pub fn coco_label(class: u16) -> String {
    COCO80.get(usize::from(class)).map_or_else(|| format!("class_{class}"), |s| (*s).to_owned())
}

/// Parses a comma-separated list of COCO-80 labels (`cell phone, book`): trimmed, duplicates
/// dropped, order kept. An empty list or a label outside COCO-80 is an error that names the
/// offending labels, so a typo in the configuration stops the start-up instead of silently
/// never flagging anything.
pub fn parse_label_list(list: &str) -> Result<Vec<String>, String> {
    let mut labels: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for label in list.split(',').map(str::trim).filter(|l| !l.is_empty()) {
        let label = label.to_lowercase();
        if !COCO80.contains(&label.as_str()) {
            unknown.push(format!("{label:?}"));
        } else if !labels.contains(&label) {
            labels.push(label);
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "unknown COCO label(s) {}; the 80 COCO labels are: {}",
            unknown.join(", "),
            COCO80.join(", ")
        ));
    }
    if labels.is_empty() {
        return Err("the list of forbidden objects is empty (give at least one COCO label)".into());
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_lists_are_checked_against_coco() {
        assert_eq!(
            parse_label_list(" cell phone,Book , cell phone,remote").as_deref(),
            Ok(&["cell phone".to_owned(), "book".into(), "remote".into()][..])
        );
        let err = parse_label_list("cell phone, smartphone, tablet").expect_err("not COCO");
        assert!(err.starts_with(r#"unknown COCO label(s) "smartphone", "tablet";"#), "{err}");
        assert!(err.contains("cell phone, microwave"), "the error lists the valid labels: {err}");
        assert!(parse_label_list(" , ").expect_err("empty").contains("empty"));
    }

    #[test]
    fn forbidden_objects_have_their_coco_ids() {
        assert_eq!(coco_label(0), "person");
        assert_eq!(coco_label(63), "laptop");
        assert_eq!(coco_label(67), "cell phone");
        assert_eq!(coco_label(73), "book");
        assert_eq!(coco_label(80), "class_80");
    }

    #[test]
    fn coco90_ids_map_onto_the_80_labels() {
        let mapped: Vec<u16> = (0..90).filter_map(coco80_from_coco90).collect();
        assert_eq!(mapped, (0..80).collect::<Vec<u16>>(), "80 ids, in order, none twice");
        let name = |id| coco80_from_coco90(id).map(coco_label);
        assert_eq!(name(76).as_deref(), Some("cell phone"));
        assert_eq!(name(72).as_deref(), Some("laptop"));
        assert_eq!(name(83).as_deref(), Some("book"));
        assert_eq!(name(89).as_deref(), Some("toothbrush"));
        assert_eq!((name(11), name(90)), (None, None));
    }
}

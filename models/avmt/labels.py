"""Label orders, mirrored from src/contracts/labels.ts (the paper's order), and the Aff-Wild2 file headers
they are read from, so index i means the same class in the network, the ONNX export and the server."""
from typing import Final

EXPRESSIONS: Final = ('neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise')
ACTION_UNITS: Final = ('AU1', 'AU2', 'AU4', 'AU6', 'AU12', 'AU15', 'AU20', 'AU25')
VA_LABELS: Final = ('valence', 'arousal')

# Column names in the released annotation files (header line of each <video>.txt).
EXPR_FILE_COLUMNS: Final = ('Neutral', 'Anger', 'Disgust', 'Fear', 'Happiness', 'Sadness', 'Surprise', 'Other')
# 'Other' (index 7 in the ABAW release) is not one of our 7 classes: it is read as unlabelled.
EXPR_OTHER: Final = 7
VA_UNLABELLED: Final = -5.0
AU_UNLABELLED: Final = -1
EXPR_UNLABELLED: Final = -1

# Task folders of the release, and the split folders inside each.
TASK_DIRS: Final = {
    'va': 'VA_Estimation_Challenge',
    'au': 'AU_Detection_Challenge',
    'expr': 'EXPR_Classification_Challenge',
}
SPLITS: Final = ('Train_Set', 'Validation_Set')

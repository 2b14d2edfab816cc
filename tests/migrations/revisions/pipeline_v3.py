"""The seed's migrate_users_v2_to_v3: default detailed_analytics, as a server-side update pipeline."""

id = "migration_20241001_v3"
collection = "users"
from_version = "2.1.0"
to_version = "3.0.0"
depends_on = ["migration_20240914_v21"]

_DEFAULT = {
    "sessions": [],
    "preferences": {
        "communicationChannels": ["email"],
        "contentTopics": [],
        "frequencySettings": {"marketing": "monthly", "updates": "weekly"},
    },
}

# Runs inside MongoDB with update_many, a batch of _ids at a time: no document leaves the server.
up_pipeline = [
    {
        "$set": {
            "_deprecated.added_in_v3": {
                "$cond": [{"$eq": [{"$type": "$detailed_analytics"}, "missing"]}, ["detailed_analytics"], []]
            },
            "detailed_analytics": {
                "$cond": [
                    {"$eq": [{"$type": "$detailed_analytics"}, "missing"]},
                    {"$literal": _DEFAULT},
                    "$detailed_analytics",
                ]
            },
        }
    }
]

down_pipeline = [
    {
        "$set": {
            "detailed_analytics": {
                "$cond": [
                    {"$in": ["detailed_analytics", {"$ifNull": ["$_deprecated.added_in_v3", []]}]},
                    "$$REMOVE",
                    "$detailed_analytics",
                ]
            }
        }
    },
    {"$unset": "_deprecated.added_in_v3"},
    {"$set": {"_deprecated": {"$cond": [{"$eq": ["$_deprecated", {}]}, "$$REMOVE", "$_deprecated"]}}},
]

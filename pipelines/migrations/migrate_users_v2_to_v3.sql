-- The seed's CREATE MIGRATION migrate_users_v2_to_v3, compiled to a server-side update pipeline.
-- from_version: 2.1.0
-- depends_on: migration_20240914_v21

CREATE MIGRATION migrate_users_v2_to_v3 AS
BEGIN
  -- Add new analytics structure (schema only: no DEFAULT, so no document changes here)
  ALTER DOCUMENT_SCHEMA users
  ADD COLUMN detailed_analytics DOCUMENT {
    sessions ARRAY OF DOCUMENT {
      sessionId VARCHAR(100),
      startTime TIMESTAMP,
      endTime TIMESTAMP,
      pageViews INTEGER,
      actions ARRAY OF VARCHAR(100)
    },
    preferences DOCUMENT {
      communicationChannels ARRAY OF ENUM('email', 'sms', 'push'),
      contentTopics ARRAY OF VARCHAR(100),
      frequencySettings DOCUMENT {
        marketing ENUM('never', 'weekly', 'monthly'),
        updates ENUM('immediate', 'daily', 'weekly')
      }
    }
  };

  -- Update existing documents with default values
  UPDATE users
  SET detailed_analytics = {
    sessions: [],
    preferences: {
      communicationChannels: ['email'],
      contentTopics: [],
      frequencySettings: {
        marketing: 'monthly',
        updates: 'weekly'
      }
    }
  }
  WHERE detailed_analytics IS NULL;

  -- Update schema version (the engine sets _schema.version on every migrated document)
  UPDATE users
  SET
    _schema.version = '3.0.0',
    _schema.lastMigrated = CURRENT_TIMESTAMP;
END;

-- down
ALTER DOCUMENT_SCHEMA users DROP COLUMN detailed_analytics;
ALTER DOCUMENT_SCHEMA users DROP COLUMN _schema.lastMigrated;

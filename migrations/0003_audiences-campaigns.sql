CREATE TABLE `audience_profiles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`facts` text NOT NULL,
	`rfm` text,
	`segments` text NOT NULL,
	`version` text NOT NULL,
	`built_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audience_runs` (
	`version` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`cuts` text NOT NULL,
	`profiles` integer NOT NULL,
	`duration_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audience_stage` (
	`version` text NOT NULL,
	`user_id` text NOT NULL,
	`facts` text NOT NULL,
	PRIMARY KEY(`version`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `campaign_caps` (
	`campaign_id` text NOT NULL,
	`user_id` text NOT NULL,
	`day` text NOT NULL,
	`day_count` integer NOT NULL,
	`week` text NOT NULL,
	`week_count` integer NOT NULL,
	`session` text,
	`session_count` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `campaign_caps_user` ON `campaign_caps` (`user_id`);--> statement-breakpoint
CREATE TABLE `campaign_counters` (
	`campaign_id` text PRIMARY KEY NOT NULL,
	`served` integer DEFAULT 0 NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`creative` text NOT NULL,
	`target` text NOT NULL,
	`placements` text DEFAULT '[]' NOT NULL,
	`tier` text NOT NULL,
	`weight` real NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`goal_type` text,
	`goal` integer,
	`caps` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `segment_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`segment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`change` text NOT NULL,
	`version` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segment_changes_segment` ON `segment_changes` (`segment_id`,`seq`);--> statement-breakpoint
CREATE INDEX `segment_changes_user` ON `segment_changes` (`user_id`);--> statement-breakpoint
CREATE INDEX `segment_changes_version` ON `segment_changes` (`version`);--> statement-breakpoint
CREATE TABLE `segment_members` (
	`segment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`score` real,
	PRIMARY KEY(`segment_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `segment_members_user` ON `segment_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `segment_sizes` (
	`segment_id` text NOT NULL,
	`version` text NOT NULL,
	`at` integer NOT NULL,
	`size` integer NOT NULL,
	`joined` integer NOT NULL,
	`left` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `version`)
);
--> statement-breakpoint
CREATE INDEX `segment_sizes_at` ON `segment_sizes` (`at`);--> statement-breakpoint
CREATE TABLE `segments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL
);

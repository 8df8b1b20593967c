-- Same number as the MariaDB migration that turns exams.description into a VARCHAR (the sqlx
-- `Any` driver cannot read MariaDB TEXT as a string). SQLite reads TEXT as text: nothing to do.
SELECT 1;

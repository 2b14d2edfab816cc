-- DuckDB spelling of product_details.sql, the expected side of the differential test. One difference:
-- AVG of an integer column is numeric in PostgreSQL, so ROUND(.., 2) rounds an exact decimal half away
-- from zero; DuckDB's AVG is a double, so the variant rounds it as a DECIMAL.
SELECT 
    p.product_id,
    p.product_name,
    p.product_description,
    p.base_price,
    
    -- Category hierarchy (requires recursive CTE for full path)
    c.category_name,
    parent_c.category_name as parent_category,
    
    -- Brand information
    b.brand_name,
    b.brand_description,
    
    -- Product dimensions
    CASE 
        WHEN p.dimensions_length IS NOT NULL THEN 
            CONCAT(p.dimensions_length, ' x ', p.dimensions_width, ' x ', p.dimensions_height)
        ELSE NULL
    END as dimensions,
    
    -- Aggregate attributes (problematic with large numbers)
    STRING_AGG(
        CONCAT(pa.attribute_name, ': ', pa.attribute_value), 
        ', ' 
        ORDER BY pa.attribute_name
    ) as attributes,
    
    -- Primary image
    pi_primary.image_url as primary_image,
    
    -- Review statistics
    COUNT(DISTINCT pr.review_id) as review_count,
    ROUND(AVG(pr.rating)::DECIMAL(18, 9), 2)::DOUBLE as average_rating,
    
    -- Variant count
    COUNT(DISTINCT pv.variant_id) as variant_count,
    
    -- Stock availability across variants
    SUM(pv.stock_quantity) as total_stock

FROM products p
JOIN categories c ON p.category_id = c.category_id
LEFT JOIN categories parent_c ON c.parent_category_id = parent_c.category_id
JOIN brands b ON p.brand_id = b.brand_id
LEFT JOIN product_attributes pa ON p.product_id = pa.product_id
LEFT JOIN product_images pi_primary ON p.product_id = pi_primary.product_id 
    AND pi_primary.is_primary = true
LEFT JOIN product_variants pv ON p.product_id = pv.product_id 
    AND pv.is_active = true
LEFT JOIN product_reviews pr ON p.product_id = pr.product_id

WHERE p.is_active = true
    AND p.product_id = :product_id

GROUP BY 
    p.product_id, p.product_name, p.product_description, p.base_price,
    c.category_name, parent_c.category_name,
    b.brand_name, b.brand_description,
    p.dimensions_length, p.dimensions_width, p.dimensions_height,
    pi_primary.image_url;
